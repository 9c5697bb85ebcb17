"""Rich renderables shared by the command line and the app: the race table, the sweep table and plot."""
