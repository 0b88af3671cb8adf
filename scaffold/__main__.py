"""`python -m scaffold`: the same CLI as the `scaffold` console script."""
from scaffold.cli import main

main(prog_name="scaffold")
