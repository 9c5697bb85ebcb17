"""The parent side's engine, with no UI: configs, lanes, races, sampling, sweeps, recordings and verdicts.

Both front ends (the command line and the app) drive it; it imports no Rich, no Textual."""
