"""Jobs compose the core (records, rendering) with the edge (the wiki)."""
