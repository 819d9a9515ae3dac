"""A very small Markdown-to-HTML converter: headings, emphasis and paragraphs."""
import re


def render(text):
    out = []
    for block in text.strip().split("\n\n"):
        m = re.match(r"^(#{1,6}) (.*)$", block)
        if m:
            level = len(m.group(1))
            out.append(f"<h{level}>{inline(m.group(2))}</h{level}>")
        else:
            out.append(f"<p>{inline(block)}</p>")
    return "\n".join(out)


def inline(text):
    return re.sub(r"\*(.+?)\*", r"<em>\1</em>", text)
