#!/usr/bin/env python3
"""Checks an appcsim HTML report by hand (the CUnit suite report_html has its own C checker):

    tests/check_html.py [REPORT_DIR]        (default: reports)

Every *.html of the folder and of its scenarios/ must parse with Python's XML parser, and so
must each <svg> on its own; nothing may be fetched (no <script src>, <link>, <img>, @import or
url() other than a page's own #fragment, no http(s) reference except XML namespaces); every
scenario page must be linked from index.html and every link must lead to a page.
Exit status 0 when all holds, 1 otherwise (each problem printed)."""
import os
import re
import sys
import xml.dom.minidom

NAMESPACES = {"http://www.w3.org/1999/xhtml", "http://www.w3.org/2000/svg"}


def problems_of(path):
    text = open(path, encoding="utf-8").read()
    try:
        doc = xml.dom.minidom.parseString(text)
    except Exception as e:  # the parser's own message says where
        yield "not well-formed XML: %s" % e
        return
    for svg in doc.getElementsByTagName("svg"):
        try:
            xml.dom.minidom.parseString(svg.toxml())
        except Exception as e:
            yield "an <svg> is not well-formed on its own: %s" % e
    for tag in ("link", "img", "iframe", "object", "embed"):
        if doc.getElementsByTagName(tag):
            yield "has a <%s> element" % tag
    for script in doc.getElementsByTagName("script"):
        if script.getAttribute("src"):
            yield "loads a script"
    if "@import" in text:
        yield "CSS @import"
    for url in re.findall(r"url\(([^)]*)\)", text):
        if not url.strip("'\"").startswith("#"):
            yield "CSS url(%s)" % url
    for ref in re.findall(r"https?://[^\"'\s<>)]+", text):
        if ref not in NAMESPACES:
            yield "refers to %s" % ref


def main():
    folder = sys.argv[1] if len(sys.argv) > 1 else "reports"
    index = os.path.join(folder, "index.html")
    pages_dir = os.path.join(folder, "scenarios")
    bad = 0
    files = [index] + sorted(
        os.path.join(pages_dir, f) for f in os.listdir(pages_dir) if f.endswith(".html"))
    for path in files:
        for p in problems_of(path):
            print("%s: %s" % (path, p))
            bad += 1
    links = set(re.findall(r'href="(scenarios/[^"#]+)"', open(index, encoding="utf-8").read()))
    for link in sorted(links):
        if not os.path.exists(os.path.join(folder, link)):
            print("%s: links to %s, which does not exist" % (index, link))
            bad += 1
    for path in files[1:]:
        if "scenarios/" + os.path.basename(path) not in links:
            print("%s: not linked from index.html" % path)
            bad += 1
    print("%d files checked, %d problems" % (len(files), bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
