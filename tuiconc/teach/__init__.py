"""What tuiconc teaches: lessons, talks and the execution models' facts, each built on races."""
