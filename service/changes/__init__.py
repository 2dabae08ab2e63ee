"""Replicas that agree: the store's ordered change log of live index changes, and the follower that applies it
to each process's local index (docs/scale-out.md)."""
