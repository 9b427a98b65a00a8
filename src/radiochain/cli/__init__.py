"""Command line (Typer). Nothing below this layer imports Typer."""
