"""One module per subcommand: read the inputs, apply the gates, render every surface."""
