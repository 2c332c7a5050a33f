#!/usr/bin/python3
"""check-raw-html.py — flags raw %s in the web layer's formatted output.

buf_printf (src/core/buf.h) escapes by conversion: %h HTML text, %a
attribute, %u URL part, %j JSON string; %s writes its argument raw. In
src/web, a %s is accepted only when its argument is visibly trusted: a
string literal, a choice between string literals (cond ? "a" : ""), or a
call whose line says why with a comment /* raw: REASON */. Anything else is
reported as FILE:LINE so that user text can never reach a page unescaped by
a slip of the pen. `make check` runs it.
"""
import re
import sys

CALL = re.compile(r"\bbuf_printf\s*\(")
LITERAL = re.compile(r'^"(?:[^"\\]|\\.)*"$')
TERNARY = re.compile(r'^[^?]+\?\s*("(?:[^"\\]|\\.)*")\s*:\s*("(?:[^"\\]|\\.)*")$')


def call_text(src, start):
    """The text between the parentheses of the call opening at start."""
    depth, i, in_str, out = 1, start, None, []
    while i < len(src):
        c = src[i]
        if in_str:
            out.append(c)
            if c == "\\":
                out.append(src[i + 1])
                i += 2
                continue
            if c == in_str:
                in_str = None
        elif c in "\"'":
            in_str = c
            out.append(c)
        elif c == "(":
            depth += 1
            out.append(c)
        elif c == ")":
            depth -= 1
            if depth == 0:
                return "".join(out), i
            out.append(c)
        else:
            out.append(c)
        i += 1
    raise ValueError("unbalanced call")


def split_args(text):
    args, depth, in_str, cur, i = [], 0, None, [], 0
    while i < len(text):
        c = text[i]
        if in_str:
            cur.append(c)
            if c == "\\":
                cur.append(text[i + 1])
                i += 2
                continue
            if c == in_str:
                in_str = None
        elif c in "\"'":
            in_str = c
            cur.append(c)
        elif c in "([{":
            depth += 1
            cur.append(c)
        elif c in ")]}":
            depth -= 1
            cur.append(c)
        elif c == "," and depth == 0:
            args.append("".join(cur).strip())
            cur = []
        else:
            cur.append(c)
        i += 1
    args.append("".join(cur).strip())
    return args


def literal_value(arg):
    parts = re.findall(r'"((?:[^"\\]|\\.)*)"', arg)
    rest = re.sub(r'"(?:[^"\\]|\\.)*"', "", arg).strip()
    if rest:
        return None
    return "".join(parts)


CONVERSION = re.compile(r"%[-+ 0#]*\d*(?:\.\d+)?(ll|l|z)?([a-zA-Z%])")


def check_file(path):
    src = open(path, encoding="utf-8").read()
    problems = []
    for m in CALL.finditer(src):
        text, end = call_text(src, m.end())
        line = src.count("\n", 0, m.start()) + 1
        last_line = src.count("\n", 0, end) + 1
        lines = src.splitlines()[max(0, line - 2):last_line]  # the line before, too
        justified = any("/* raw:" in l for l in lines)
        args = split_args(text)
        fmt = literal_value(args[1]) if len(args) > 1 else None
        if fmt is None:
            problems.append("%s:%d: the format of buf_printf must be a string literal" % (path, line))
            continue
        values = args[2:]
        k = 0
        for conv in CONVERSION.finditer(fmt):
            kind = conv.group(2)
            if kind == "%":
                continue
            arg = values[k] if k < len(values) else ""
            k += 1
            if kind != "s" or justified:
                continue
            if LITERAL.match(arg) or TERNARY.match(arg) or literal_value(arg) is not None:
                continue
            problems.append("%s:%d: raw %%s with %s: escape it (%%h, %%a, %%u, %%j) or say why "
                            "with /* raw: REASON */" % (path, line, arg))
    return problems


def main(paths):
    problems = []
    for p in paths:
        problems += check_file(p)
    for p in problems:
        print(p)
    print("check-raw-html: %d file(s), %d problem(s)" % (len(paths), len(problems)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
