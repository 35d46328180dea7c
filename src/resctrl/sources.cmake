# resctrl section sources
