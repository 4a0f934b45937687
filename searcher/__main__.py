"""`python -m searcher ...` is `corpus-search ...`."""
from .fastpath import main

if __name__ == "__main__":
    main()
