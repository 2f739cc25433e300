"""`monitor serve`: the read-only status board (a web page with a map) and its JSON."""
