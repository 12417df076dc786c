"""A device farm across lab hosts through labgrid's coordinator: exporter configs, places, reservations."""
