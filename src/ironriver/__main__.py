"""``python -m ironriver`` runs the command line."""

from ironriver.cli import main

main()
