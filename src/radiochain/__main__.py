"""``python -m radiochain`` runs the command line."""

from radiochain.cli.main import run

if __name__ == "__main__":
    run()
