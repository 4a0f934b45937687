"""An RIS record written from a CSL-JSON item (tags as Zotero, EndNote and Mendeley read them)."""
from __future__ import annotations

RIS_TYPES = {
    "article-journal": "JOUR",
    "article-magazine": "MGZN",
    "article-newspaper": "NEWS",
    "book": "BOOK",
    "chapter": "CHAP",
    "paper-conference": "CPAPER",
    "post-weblog": "BLOG",
    "report": "RPRT",
    "thesis": "THES",
    "webpage": "ELEC",
}


def ris_name(name: dict) -> str:
    if "literal" in name:
        return name["literal"]
    family = " ".join(p for p in (name.get("non-dropping-particle", ""), name.get("family", "")) if p)
    return ", ".join(p for p in (family, name.get("given", ""), name.get("suffix", "")) if p)


def ris_record(item: dict, page: str = "") -> str:
    """The RIS lines for `item` (TY first, ER last); `page` is the page cited, as SP/EP."""
    kind = item.get("type", "")
    ris_type = RIS_TYPES.get(kind, "GEN")
    if kind == "book" and item.get("editor") and not item.get("author"):
        ris_type = "EDBOOK"
    lines: list[tuple[str, str]] = [("TY", ris_type)]

    def add(tag: str, value) -> None:
        if value:
            lines.append((tag, " ".join(str(value).split())))

    for name in item.get("author", ()):
        add("AU", ris_name(name))
    for name in item.get("editor", ()):
        add("A2" if kind in ("chapter", "interview") else "ED", ris_name(name))
    for name in item.get("interviewer", ()):
        add("A3", ris_name(name))
    add("TI", item.get("title"))
    container = item.get("container-title")
    add("T2", container)
    if kind == "article-journal":
        add("JO", container)
    add("T3", item.get("collection-title"))
    add("VL", item.get("volume"))
    add("IS", item.get("issue"))
    add("M1", item.get("number") or item.get("collection-number"))
    add("M3", item.get("genre"))
    add("PB", item.get("publisher"))
    issued = item.get("issued") or {}
    parts = (issued.get("date-parts") or [[]])[0]
    if parts:
        add("PY", parts[0])
        add("DA", "/".join([str(parts[0])] + [f"{p:02d}" for p in parts[1:]]))
    elif issued.get("literal"):
        add("PY", issued["literal"])
    if page:
        first, _, last = page.replace("–", "-").partition("-")
        add("SP", first.strip())
        add("EP", last.strip())
    add("UR", item.get("URL"))
    if kind == "interview" and item.get("interviewer"):
        add("N1", "Interview by " + "; ".join(ris_name(n) for n in item["interviewer"]))
    return "\n".join(f"{tag}  - {value}" for tag, value in lines) + "\nER  - "
