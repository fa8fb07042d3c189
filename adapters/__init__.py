"""Platform adapters: one file per platform behind the Adapter protocol (base.py)."""
