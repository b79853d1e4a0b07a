"""Writes the tokenizer test corpus, one UTF-8 file per case."""
import os
import sys

CASES = [
    "Hello world",
    "   leading and trailing   ",
    "tabs\tand\t\ttabs\n\nand\r\nnewlines\n",
    "I'm sure they'll say it's 'quoted' and we've 'd and 'S",
    "numbers 0 12 345 6789 3.14159 1e-9 ½ ¾ ٣٤٥",
    "emoji 🤖🙂👍🏽 👨‍👩‍👧 flags 🇫🇷",
    "中文字符和日本語のテキスト한국어",
    "عربي עברית mixed RTL",
    "combining e\u0301 a\u0308 n\u0303 and precomposed é ä ñ",
    "punctuation!!! ??? ... --- ((brackets)) {json: [1,2]}",
    "  multiple   spaces    before\u00a0nbsp\u2003em space",
    "x" * 40 + " " + "ab" * 30,
]

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
for i, text in enumerate(CASES):
    with open(os.path.join(out, f"case{i:02d}.txt"), "w", encoding="utf-8", newline="") as f:
        f.write(text)
