"""A small bookshop: a catalogue, a basket and its prices."""
