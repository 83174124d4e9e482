"""The message catalogues; locales/fa/*.toml holds every string a person reads."""
