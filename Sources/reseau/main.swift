import ReseauCLI

ReseauCommand.main()
