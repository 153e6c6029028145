"""Importing a thread from its link: recognise the site (`links`), fetch politely and safely (`client`,
`guard`), assemble the whole thread from the site's API (`sites`) and write it as one re-importable import
(`run`). The chat command, `archive follow` and `threadbot import URL` all go through `import_link`.
"""

from bot.fetch.client import FetchError
from bot.fetch.links import Link, LinkError, looks_like_link, read_link
from bot.fetch.run import LinkImport, check_address, import_link

__all__ = [
    "FetchError",
    "Link",
    "LinkError",
    "LinkImport",
    "check_address",
    "import_link",
    "looks_like_link",
    "read_link",
]
