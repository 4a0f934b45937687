"""`python -m searcher ...` is `corpus-search ...`."""
from .cli import main

if __name__ == "__main__":
    main()
