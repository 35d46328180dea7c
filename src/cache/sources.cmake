# cache section sources
