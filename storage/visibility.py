"""What every read leaves out while an import is staged (storage/staging.py): SQL fragments shared by the stores.

A staged import's comments have ids at or above its `first_id` (it holds the import lock, so no other comment
gets an id meanwhile); an archive it created is hidden until the import publishes it.
"""

STAGED_FROM = "(SELECT coalesce(min(first_id), 9223372036854775807) FROM import_staging)"
"""The lowest comment id of a staged (unpublished) import; every comment at or above it is not visible yet."""
HIDDEN_ARCHIVES = "(SELECT archive_id FROM import_staging WHERE new_archive = 1)"
"""Archives created by an import that has not been published: no read may see them."""
