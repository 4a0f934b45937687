"""Web-page boilerplate: the lines a scraped page carries around its article.

Each pattern matches one whole line ("top of page", "Download PDF • 274KB",
"wong zihoo / Unsplash", "Blog Post", share links...).  "Recent articles:"
and everything after it is the site's list of other pages.
"""
from __future__ import annotations

import re

_PHOTO_SITES = r"(?:Unsplash|Flickr|Getty Images|Shutterstock|Wikimedia Commons|Pexels|Reuters|AP Photo|AFP)"

_BOILERPLATE_LINES = [
    r"(?:top|bottom) of page",
    r"\.pdf",
    r"Download (?:the )?PDF(?: •.*)?",
    r"Blog Post|Article|Report|Commentary|Podcast|In Depth",
    r"[\w.'’ -]{2,40} / " + _PHOTO_SITES,
    r"Photo(?: credit)?:.*",
    r"(?:Image|Photo) (?:credit|courtesy|source):?.*",
    r"Share(?: this(?: article| page)?)?(?: on \w+)?:?",
    r"(?:Facebook|Twitter|LinkedIn|Email|E-mail|Print|Copy link|Reddit|WhatsApp)",
    r"•\s*[A-Z][\w.'’-]+(?: [A-Z][\w.'’-]+){0,3}",  # author bullet in a page header
    r"[A-Z][\w.'’-]+(?: [A-Z][\w.'’-]+){1,3} [A-Z]{2,5} Issue \d+",  # "Jeffrey Ding CLM Issue 75"
    r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.? \d{1,2}, \d{4}",
    r"This article (?:is|was) (?:published as )?part of .*",
    r"It is part of the .*Special Report.*",
    r"(?:Read|Download) (?:this|the full) (?:article|report).* here\.?",
    r"Skip to (?:main )?content|Back to top|Subscribe|Sign up for .*newsletter.*",
]
_BOILERPLATE = re.compile(r"(?im)^ ?(?:" + "|".join(_BOILERPLATE_LINES) + r")\s*$\n?")
_SITE_LISTS = re.compile(r"(?ims)^ ?(?:Recent articles|Related (?:articles|content|posts)|More from .*?):\s*$.*")


def drop_web_boilerplate(text: str) -> str:
    """Page furniture of scraped pages, and the site's lists of other articles."""
    text = _SITE_LISTS.sub("", text)
    return _BOILERPLATE.sub("", text)
