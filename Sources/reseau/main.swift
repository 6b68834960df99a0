import ReseauCLI

ReseauCommand.launch()
