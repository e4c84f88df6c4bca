import EHCPTimeliness
print(Tool.name)
