"""The Qt window: a view of the store, never the holder of truth."""
