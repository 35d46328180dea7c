# numa section sources
