"""`python -m samverkan …`: the same as the `samverkan` command (cli.py)."""

from samverkan.cli import main

if __name__ == "__main__":
    main()
