"""Clean decoded report text: normalize characters, strip web boilerplate, set the appendix aside.

Three steps, each inspectable:

1. :func:`normalize_text` works on characters only: line endings, odd and zero-width spaces, full-width
   digits/letters/％ to ASCII (Chinese punctuation such as ，。：（） is kept; there is no blanket NFKC),
   letter-spaced titles ("政 府 工 作 报 告"), runs of spaces.
2. :func:`clean_text` re-joins lines that a web page broke in the middle of a sentence, removes web
   boilerplate by general rules (navigation, site banners and accessibility toolbars, metadata blocks,
   share/print controls, footers and their contact lines, captions, ...) and records every removal as a
   :class:`Removal` with the rule's name, after the page furniture the HTML reader left out (``html_*`` rules).
3. It then sets the appendix aside (glossaries, numbered notes and annexed tables after the closing call
   "……而努力奋斗！") instead of deleting it.

The report's title, date/meeting line and speaker line are kept: metadata is read from the clean text.

Example:
    >>> result = clean_text("当前位置：首页 > 政务公开\\n政 府 工 作 报 告\\n各位代表：\\n分享到：微信 微博")
    >>> result.text
    '政府工作报告\\n各位代表：'
    >>> [r.rule for r in result.removed]
    ['breadcrumb', 'share']
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

__all__ = ["CleanResult", "Removal", "clean_text", "normalize_text", "simplified", "RULES"]


@dataclass(frozen=True)
class Removal:
    """One block removed by cleaning: the rule's name and the removed line(s), ``\\n``-joined."""

    rule: str
    text: str


@dataclass(frozen=True)
class CleanResult:
    """The outcome of :func:`clean_text`.

    Attributes:
        text: clean body, one paragraph per line (``\\n``-separated), no empty lines.
        appendix: glossary / annexed tables set aside (``""`` if none), one paragraph per line.
        removed: what was removed, in document order.
    """

    text: str
    appendix: str
    removed: tuple[Removal, ...]


# --------------------------------------------------------------------------------------------------
# Character classes
# --------------------------------------------------------------------------------------------------
_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
# Chinese (and full-width) punctuation: spaces next to these are always noise.
_CJK_PUNCT = (
    "\u3001-\u3003\u3008-\u3011\u3014-\u301f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65"
    "\u2018-\u201f\u2014\u2015\u2026\u00b7\u30fb"
)
_IS_HAN = re.compile(f"[{_HAN}]")
_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u200e\u200f\u2060\u2061-\u2064\ufeff\u00ad\u180e\u202a-\u202e\u2066-\u2069]")
_ODD_SPACE = re.compile("[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000\u3164\uffa0]")
_LINE_BREAKS = re.compile("\r\n|[\r\u2028\u2029\u0085\u000b\u000c]")
_CONTROL = re.compile("[\u0000-\u0008\u000e-\u001f\u007f-\u0084\u0086-\u009f]")
_FULLWIDTH_ALNUM = {cp: cp - 0xFEE0 for cp in [*range(0xFF10, 0xFF1A), *range(0xFF21, 0xFF3B), *range(0xFF41, 0xFF5B)]}
_FULLWIDTH_ALNUM.update({0xFF05: ord("%"), 0xFE6A: ord("%")})
_FULLWIDTH_CHAR = re.compile("[\uff05\ufe6a\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]")
_FULLWIDTH_DECIMAL_POINT = re.compile(r"(?<=\d)．(?=\d)")
_SPACES = re.compile(" {2,}")
_SPACED_DIGITS = re.compile(r"(?<![\d.,])\d(?: \d){2,}(?![\d.,])")  # "1 9 9 3" -> "1993"
# A space is dropped when it touches Chinese punctuation, or sits between a Chinese character and an
# ASCII letter/digit (e.g. "1980 年", "增长 5%"), or follows ASCII punctuation before a Chinese character.
_DROP_SPACE = re.compile(
    f"(?<=[{_CJK_PUNCT}]) | (?=[{_CJK_PUNCT}])"
    f"|(?<=[{_HAN}]) (?=[0-9A-Za-z%(\\[])"
    f"|(?<=[0-9A-Za-z%)\\].,;:!?]) (?=[{_HAN}])"
)


def normalize_text(text: str) -> str:
    """Character-level normalization of report text; idempotent.

    - line endings to ``\\n``; zero-width characters and control characters removed;
    - U+3000, no-break and other odd spaces to an ASCII space; spaces at line ends stripped, runs collapsed;
    - a tab inside a line separates table cells and stays (one tab between non-empty cells);
    - full-width digits, letters and ％ to ASCII (Chinese punctuation kept, no blanket NFKC);
    - letter-spaced Chinese ("政 府 工 作 报 告", "李　强") and digits ("1 9 9 3") closed up;
    - spaces next to Chinese punctuation, or between Chinese and ASCII digits/letters, dropped.

    Blank lines are kept (``clean_text`` drops them).

    Example:
        >>> normalize_text("政 府 工 作 报 告\\r\\n\\u3000\\u3000增长１２．５％ ，\\u200b1 9 9 3 年")
        '政府工作报告\\n增长12.5%，1993年'
    """
    if not isinstance(text, str):
        raise TypeError(f"normalize_text expects a str, got {type(text).__name__}")
    text = unicodedata.normalize("NFC", text)
    text = _LINE_BREAKS.sub("\n", text)
    text = _ZERO_WIDTH.sub("", text)
    text = _CONTROL.sub("", text)
    text = _ODD_SPACE.sub(" ", text)
    if _FULLWIDTH_CHAR.search(text):
        text = text.translate(_FULLWIDTH_ALNUM)
    text = _FULLWIDTH_DECIMAL_POINT.sub(".", text)
    return "\n".join(_normalize_line(line) for line in text.split("\n"))


def _normalize_line(line: str) -> str:
    """One line; a tab separates cells (a table row from a .docx or a tab-separated annex table), so each cell is
    normalized on its own and the cells stay apart, joined by one tab (empty cells and edge tabs dropped)."""
    if "\t" not in line:
        return _normalize_cell(line)
    return "\t".join(cell for cell in map(_normalize_cell, line.split("\t")) if cell)


def _normalize_cell(line: str) -> str:
    line = _SPACES.sub(" ", line.strip(" "))
    if " " not in line:
        return line
    tokens = line.split(" ")
    merged: list[str] = []
    run: list[str] = []  # consecutive one-character Chinese tokens: letter-spacing

    def flush() -> None:
        if len(run) >= 2:
            merged.append("".join(run))  # "政 府 工 作 报 告" -> "政府工作报告", "李 强" -> "李强"
        else:
            merged.extend(run)
        run.clear()

    for token in tokens:
        if len(token) == 1 and _IS_HAN.match(token):
            run.append(token)
        else:
            flush()
            merged.append(token)
    flush()
    line = _SPACED_DIGITS.sub(lambda m: m.group(0).replace(" ", ""), " ".join(merged))
    return _DROP_SPACE.sub("", line)


# --------------------------------------------------------------------------------------------------
# Re-joining lines broken inside a sentence
# --------------------------------------------------------------------------------------------------
_OPENERS = "《“‘（(【「『〔[<〈"
_CONTINUERS = "》”’）)】」』〕]>〉，、。；：！？,;.!?%"
_ENUMERATOR = re.compile(
    r"^(第?[一二三四五六七八九十百]+[、是，,.．]|[（(][一二三四五六七八九十\d]+[)）]|\d+[.、．)）]|[①-⑳]|[一二三四五六七八九十]+要)"
)
_OFFICE_TITLE = re.compile(
    f"^[{_HAN}]{{0,24}}(总理|副总理|省长|市长|区长|县长|州长|旗长|盟长|主席|代[省市区县]长|代主席|区委书记|书记)$"
)
_PERSON_NAME = re.compile(f"^(?!各位)([{_HAN}]{{2,4}}|[{_HAN}]{{1,8}}·[{_HAN}]{{1,10}})$")
_MEETING_START = re.compile(r"^[—－-]{0,2}\s*\d{4}年\d{1,2}月\d{1,2}日.*在")
_MEETING_END = re.compile(r"(会议上|会上|大会上)$")
_LONE_DASH = re.compile(r"^[—－–]{1,2}$")


def _rejoin_soft_wraps(text: str) -> str:
    """Join single line breaks in a text whose paragraphs are separated by blank lines.

    Wiki and some CMS exports put links and bold runs on lines of their own ("推动\\n区域全面经济伙伴关系协定\\n
    （RCEP）生效"); when most of a text's paragraphs end at a blank line, a single line break is such a soft
    wrap and is removed (a space is kept between two Latin letters or digits).
    """
    raw_lines = text.split("\n")
    lines = [_ZERO_WIDTH.sub("", line).strip(" \t\u3000\u00a0") for line in raw_lines]
    # A line holding only a zero-width character inside a paragraph is a wrap artifact, not a paragraph break.
    lines = [
        line
        for index, line in enumerate(lines)
        if line
        or not raw_lines[index].strip(" \t\u3000\u00a0")
        or not (0 < index < len(lines) - 1 and lines[index - 1] and lines[index + 1])
    ]
    text = "\n".join(lines)
    # Weigh each kind of break by the text before it: in a blank-line-separated text most of the text
    # ends at a blank line, and single breaks only cut short fragments (links, bold runs).
    single_chars = blank_chars = blank_breaks = 0
    previous: str | None = None
    gap = 0
    for line in lines:
        if not line:
            gap += 1
            continue
        if previous is not None:
            if gap:
                blank_chars += len(previous)
                blank_breaks += 1
            else:
                single_chars += len(previous)
        previous, gap = line, 0
    if blank_breaks < 2 or blank_chars <= single_chars:
        return text
    out: list[str] = []
    previous_blank = True
    for line in lines:
        if not line:
            out.append("")
            previous_blank = True
            continue
        glue = None if previous_blank or not out else _soft_glue(out[-1], line)
        if glue is not None:
            out[-1] += glue + line
        else:
            out.append(line)
        previous_blank = False
    return "\n".join(out)


def _soft_glue(previous: str, line: str) -> str | None:
    """What to put between two soft-wrapped lines, or None to keep the line break."""
    if previous[-1] in ":：":
        return None  # a label such as "名词解释：" keeps its own line
    if _ENUMERATOR.match(line) and not _ENUMERATOR.fullmatch(previous):
        return None  # list items stay on their own lines
    if len(previous) <= 40 and len(line) <= 20 and _OFFICE_TITLE.match(normalize_text(previous)) and _PERSON_NAME.match(
        normalize_text(line)
    ):
        return " "  # "国务院总理" + "李　强"
    if previous[-1].isascii() and previous[-1].isalnum() and line[0].isascii() and line[0].isalnum():
        return " "
    return ""


def _join_broken_lines(lines: list[str]) -> list[str]:
    """Re-join a line to the previous one where the break is clearly inside a sentence or a heading line."""
    out: list[str] = []
    for line in lines:
        if out:
            previous = out[-1]
            glue = _glue_for(previous, line)
            if glue is not None:
                out[-1] = normalize_text(previous + glue + line)
                continue
        out.append(line)
    return out


def _glue_for(previous: str, line: str) -> str | None:
    if previous[-1] in _OPENERS or previous[-1] in "、，,":
        return ""
    if line[0] in _CONTINUERS and not _ENUMERATOR.match(line):
        return ""
    if _LONE_DASH.match(previous) and line[0].isdigit():
        return ""
    if len(line) == 1 and _IS_HAN.match(line) and _IS_HAN.match(previous[-1]) and len(previous) <= 30:
        return ""  # "政府工作报" + "告"
    if _OFFICE_TITLE.match(previous) and _PERSON_NAME.match(line):
        return " "  # "国务院总理" + "李强"
    if _MEETING_START.match(previous) and not _MEETING_END.search(previous) and len(line) <= 30 and _MEETING_END.search(line):
        return ""  # "——2021年3月3日在松北区第四届" + "人民代表大会第六次会议上"
    return None


# --------------------------------------------------------------------------------------------------
# Boilerplate rules
# --------------------------------------------------------------------------------------------------
_SENTENCE_END = re.compile(r"[。！？!?]$")
_METADATA_KEYS = (
    "索引号|文件编号|发文字号|发文文号|文号|成文日期|发文日期|发布机构|发文机关|发文机构|发布日期|生效日期|失效日期|"
    "废止日期|有效性|时效性|效力状态|公开方式|公开范围|公开时限|公开属性|主题分类|主题词|信息分类|体裁分类|组配分类|"
    "服务对象分类|所属机构|信息名称|统一编号|登记号|名称|标题|分类|来源"
)
_STRONG_METADATA_KEYS = {"索引号", "成文日期", "发布机构", "发文机关", "有效性", "公开方式", "公开范围", "发文字号", "主题分类", "信息分类", "体裁分类", "组配分类"}
_METADATA_LINE = re.compile(rf"^[-•·*]?\s*({_METADATA_KEYS})\s*[:：]\s*(.*)$")
_BULLET_VALUE = re.compile(r"^[-•·*]\s*\S")
_BREADCRUMB = re.compile(r"^(((您|你)(当前|现在|目前)?(所在)?的?|当前|现在|目前|所在)(位置|路径)|当前页面)\s*[:：]?")
_PATH_LINE = re.compile(r"^(首页|网站首页|主页)\s*([>＞»›/\\\-—|｜]|&gt;)")
_SOURCE_KEYS = (
    r"来源|信息来源|文章来源|稿件来源|新闻来源|发布时间|发布日期|更新时间|作者|编辑|责任编辑|"
    r"字号|字体|浏览次数|浏览量|点击数|点击量|点击率|阅读次数|阅读量|访问量|访问次数|审核|校对"
)
_SOURCE_LINE = re.compile(rf"^[【\[(（]?\s*({_SOURCE_KEYS})\s*[:：]")
_BARE_DATE_LINE = re.compile(r"^(日期|时间)\s*[:：]\s*[\d\-/年月日:： ]+$")
_SOURCE_KEY_ANYWHERE = re.compile(rf"({_SOURCE_KEYS}|日期|时间)\s*[:：]")
_SHARE = re.compile(r"^(分享到|分享至|一键分享|分享\s*[:：]|分享$)")
_SHARE_WORDS = r"微信|朋友圈|微博|新浪微博|腾讯微博|QQ空间|QQ好友|QQ|豆瓣|人人网|复制链接|今日头条"
_CONTROL_WORDS = (
    r"下载|打印|打印本页|打印正文|打印此页|全屏|收藏|加入收藏|关闭|关闭窗口|关闭本页|返回顶部|返回首页|返回列表|返回|"
    r"保存|纠错|我要纠错|字号|字体|加大|还原|减小|放大|缩小|默认|大|中|小|内容|分享|" + _SHARE_WORDS
)
_CONTROL_LINE = re.compile(rf"^(?:[\s【】\[\]()（）:：|｜/·•>]*(?:{_CONTROL_WORDS}))+[\s【】\[\]()（）:：|｜/·•>]*$")
_STRONG_CONTROL = re.compile(r"打印|下载|全屏|收藏|关闭|字号|字体|加大|减小|返回|纠错|分享|放大|缩小")
_PREV_NEXT = re.compile(r"^(上一篇|下一篇|上一条|下一条|上一页|下一页|前一篇|后一篇|较旧一篇|较新一篇|上篇|下篇)\s*[:：]?")
_RELATED = re.compile(
    r"^(关联稿件|相关稿件|相关链接|相关文章|相关新闻|相关阅读|延伸阅读|推荐阅读|相关信息|相关文件|相关附件|相关解读|"
    r"政策解读|热点推荐|猜你喜欢|热门文章)\s*[:：]?\s*$"
)
_QR = re.compile(r"扫一扫|扫描.{0,4}二维码|二维码.{0,6}(手机|打开|分享|关注|阅读)|(手机|微信)扫码|在手机.{0,2}打开|手机上打开")
_FOOTER_WORDS = (
    r"关于我们|网站地图|站点地图|网站找错|政府网站找错|网站纠错|联系我们|网站声明|法律声明|版权声明|免责声明|隐私政策|"
    r"隐私声明|使用帮助|帮助中心|意见反馈|网站导航|无障碍浏览|无障碍|长者模式|关怀版|适老化|English|繁体|简体|繁體|"
    r"党政机关|设为首页|加入收藏|返回首页|网站标识码|网站首页|首页"
)
_FOOTER_LINE = re.compile(rf"^(?:[\s|｜/·•]*(?:{_FOOTER_WORDS}))+[\s|｜/·•]*$")
_FOOTER_MARKERS = re.compile(
    r"版权所有|Copyright|©|ICP备|ICP证|公网安备|网站标识码|(主办|承办|维护)(单位)?\s*[:：]|技术支持\s*[:：]|"
    r"建议使用.{0,20}浏览器|建议.{0,20}分辨率", re.IGNORECASE
)
# Site banner / accessibility toolbar at the top of a government site: "欢迎访问某某市人民政府网站 | 无障碍浏览 |
# 长者模式 | 繁體版". Each item between separators must be one of these, so a sentence about 长者 or 无障碍 never is.
_WELCOME = re.compile(f"^欢迎(您)?(访问|来到|光临|进入|浏览)[{_HAN}A-Za-z0-9（）()·]{{1,30}}(网站|门户网|门户|政府网|网)[！!]?$")
_BANNER_ITEM = re.compile(
    r"^(无障碍(浏览|阅读|模式|服务|通道)?|长者(模式|版|关怀模式)|关怀(版|模式)|适老化(版|模式|服务|浏览|改造版)?|适老版|"
    r"老年(模式|版)|读屏(模式)?|大字(版|模式)|[繁简簡][體体]?(中文)?版?|English|ENGLISH|EN|"
    r"手机版|移动版|个人登录|法人登录|用户登录|登录|注册|退出|智能问答|设为首页|加入收藏|"
    r"今天是\d{4}年\d{1,2}月\d{1,2}日|\d{4}年\d{1,2}月\d{1,2}日|星期[一二三四五六日天])$"
)
# Items only page chrome has (a line of two or more items needs one, a line of one item is one).
_BANNER_STRONG = re.compile(r"^(无障碍(浏览|阅读|模式|服务|通道)|长者(模式|版|关怀模式)|关怀(版|模式)|适老化(版|模式|服务|浏览)|"
                            r"适老版|老年(模式|版)|读屏|大字(版|模式)|繁[體体](中文)?版|简体(中文)?版)$")
_BANNER_SEPARATOR = re.compile(r"[\s|｜/·•丨]+")
# Footer contact lines: "地址：江苏省昆山市前进西路1801号 邮编：215300", "联系电话：0512-57570000".
_CONTACT_KEYS = (
    r"通讯地址|联系地址|办公地址|地址|邮政编码|邮编|联系电话|咨询电话|值班电话|服务热线|办公电话|电话|传真|电子邮箱|电子信箱|"
    r"邮箱|E-?mail|网站标识码|技术支持|技术服务|网站维护|运行维护|维护单位|运维单位"
)
_CONTACT_KEY = re.compile(rf"({_CONTACT_KEYS})\s*[:：]", re.IGNORECASE)
_CONTACT_START = re.compile(rf"^[\s|｜/·•]*({_CONTACT_KEYS})\s*[:：]", re.IGNORECASE)
_CONTACT_VALUE = {  # what a key standing alone on its line must be followed by
    "邮政编码": r"\d{6}", "邮编": r"\d{6}", "网站标识码": r"[A-Za-z0-9]{10}",
    "电子邮箱": r"[\w.+-]+@[\w.-]+", "电子信箱": r"[\w.+-]+@[\w.-]+", "邮箱": r"[\w.+-]+@[\w.-]+",
    "email": r"[\w.+-]+@[\w.-]+", "e-mail": r"[\w.+-]+@[\w.-]+",
    **{key: r"[\d\-－—()（） 、,，/转]{7,40}" for key in ("联系电话", "咨询电话", "值班电话", "服务热线", "办公电话", "电话", "传真")},
}
_ADDRESS_ONLY = re.compile(rf"^(通讯地址|联系地址|办公地址|地址)\s*[:：]\s*[{_HAN}A-Za-z0-9（）()\-－# ]{{4,50}}$")
_CAPTION = re.compile(
    r"^(图为|▲|△|【图片】|图片来源|图\s*\d*\s*[:：])|[(（]\s*(摄影|摄|图)\s*[:：]|记者\s*\S{1,12}\s*摄\s*[)）]?$|摄\s*[)）]$|^摄影\s*[:：]"
)
_CHROME_MARKERS = re.compile(
    r"当前位置|您现在的位置|索引号|发布机构|成文日期|有效性|公开方式|来源[:：]|发布日期|发布时间|字号|打印|关闭|"
    r"分享到|上一篇|下一篇|扫一扫|关于我们|网站地图|联系我们|网站找错|版权所有|收藏|全屏"
)
_LONE_BULLET = re.compile(r"^[-–•·*●○■□◆◇▪|_=~#>]+$")
_LICENSE_START = re.compile(r"^本作品")
_LICENSE_MARKERS = re.compile(r"公有领域|著作权|Public domain|版权|知识共享|Creative Commons", re.IGNORECASE)
_APPENDIX_HEADING = re.compile(
    r"^.{0,10}?(名词解释|名词注释|名词解析|名词释义|注释|注解|释义|附注|注)\s*[:：]?$"
    r"|^(附件|附表|附录)\s*[0-9一二三四五六七八九十]*\s*([:：].{0,40}|.{0,40})$"
)


_MENU_LABEL = re.compile(f"^[{_HAN}A-Za-z]{{2,8}}$")
_NOT_MENU = re.compile(r"报告|政府|代表|会议|大会|主任|[省市区县州旗镇乡]长|书记")
_MIN_MENU_ITEMS = 3


def _site_menu_length(lines: list[str]) -> int:
    """Lines of a site menu at the very top of the page: three or more short bare labels in a row (政务公开,
    办事服务, 互动交流, ...), none of which could be a title, a speaker or an address. 0 if there is none."""
    length = 0
    for line in lines:
        if not _MENU_LABEL.match(line) or _NOT_MENU.search(line):
            break
        length += 1
    return length if _MIN_MENU_ITEMS <= length < len(lines) else 0


def _remove_boilerplate(lines: list[str]) -> tuple[list[str], list[Removal]]:
    kept: list[str] = []
    removed: list[Removal] = []
    menu = _site_menu_length(lines)
    if menu:
        removed.append(Removal("site_menu", "\n".join(lines[:menu])))
        lines = lines[menu:]
    i = 0
    n = len(lines)
    while i < n:
        line = lines[i]
        # Wiki licence footers run to the end of the text.
        if _LICENSE_START.match(line) and _LICENSE_MARKERS.search("\n".join(lines[i : i + 6])):
            removed.append(Removal("license_notice", "\n".join(lines[i:])))
            break
        block_end = _metadata_block_end(lines, i)
        if block_end > i:
            removed.append(Removal("metadata_block", "\n".join(lines[i:block_end])))
            i = block_end
            continue
        if _RELATED.match(line):
            end = i + 1
            # A list of links is taken along only in the page's tail (no report prose after it).
            if not any(_is_prose(later) for later in lines[i + 1 :]):
                while end < n and _link_like(lines[end]):
                    end += 1
            removed.append(Removal("related_links", "\n".join(lines[i:end])))
            i = end
            continue
        rule = _line_rule(line)
        if rule is None and _ADDRESS_ONLY.match(line) and any(
            _line_rule(lines[j]) in _FOOTER_RULES for j in (i - 1, i + 1) if 0 <= j < n
        ):
            rule = "footer_contact"  # "地址：…路1801号" on its own line, next to the footer's other lines
        if rule is not None:
            removed.append(Removal(rule, line))
        else:
            kept.append(line)
        i += 1
    return kept, removed


_FOOTER_RULES = frozenset({"footer_links", "footer_contact"})


def _line_rule(line: str) -> str | None:
    """The name of the boilerplate rule a single line matches, or None."""
    if len(line) > 150:  # long lines: only rules that can match them
        if _BREADCRUMB.match(line) or _PREV_NEXT.match(line):
            return "breadcrumb" if _BREADCRUMB.match(line) else "prev_next"
        if "。" not in line and len(set(_CHROME_MARKERS.findall(line))) >= 3:
            return "page_chrome"
        return None
    if _BREADCRUMB.match(line) or (_PATH_LINE.match(line) and len(line) <= 80):
        return "breadcrumb"
    if _PREV_NEXT.match(line):
        return "prev_next"
    if len(line) <= 80 and _CONTROL_LINE.match(line) and _STRONG_CONTROL.search(line):
        return "page_controls"
    if len(line) <= 120 and not _SENTENCE_END.search(line):
        if _SOURCE_LINE.match(line) or _BARE_DATE_LINE.match(line) or len(_SOURCE_KEY_ANYWHERE.findall(line)) >= 2:
            return "source_line"
    if _SHARE.match(line) and len(line) <= 60 and not _SENTENCE_END.search(line):
        return "share"
    if _is_site_banner(line):
        return "site_banner"
    if len(line) <= 150 and (_FOOTER_LINE.match(line) or (_FOOTER_MARKERS.search(line) and not _SENTENCE_END.search(line))):
        return "footer_links"
    if _is_footer_contact(line):
        return "footer_contact"
    if "。" not in line and len(set(_CHROME_MARKERS.findall(line))) >= 3:
        return "page_chrome"  # several pieces of web chrome run together on one line
    if len(line) <= 40 and _QR.search(line):
        return "qr_code"
    if len(line) <= 80 and _CAPTION.search(line):
        return "photo_caption"
    if _LONE_BULLET.match(line):
        return "lone_bullet"
    if line.lower() in {"public domain", "false", "true", "null", "none", "undefined"}:
        return "markup_residue"
    return None


def _is_site_banner(line: str) -> bool:
    """A site banner or accessibility toolbar: every item between separators is a welcome line (欢迎访问…网站) or a
    toolbar item (无障碍浏览, 长者模式, 适老化版, 繁體版, English, 登录, today's date), and one of them could be nothing
    else (a welcome line or an accessibility or script-version switch)."""
    if len(line) > 100 or _SENTENCE_END.search(line) or "，" in line:
        return False
    items = [item for item in _BANNER_SEPARATOR.split(line) if item]
    if not items or not all(_WELCOME.match(item) or _BANNER_ITEM.match(item) for item in items):
        return False
    return any(_WELCOME.match(item) or _BANNER_STRONG.match(item) for item in items)


def _is_footer_contact(line: str) -> bool:
    """A site footer's contact line: nothing but ``key：value`` fields with contact keys (地址, 邮编, 联系电话, 传真,
    电子邮箱, 网站标识码, 技术支持, ...), two or more of them, or one whose value is what that key takes (a postcode,
    a telephone number, an e-mail address). A lone address is judged with its neighbours (see the caller)."""
    if len(line) > 120 or _SENTENCE_END.search(line) or "。" in line or "；" in line or not _CONTACT_START.match(line):
        return False
    keys = list(_CONTACT_KEY.finditer(line))
    values = [line[key.end() : following.start() if following else len(line)].strip(" |｜/·•")
              for key, following in zip(keys, [*keys[1:], None])]
    if len(keys) >= 2:
        return all(0 < len(value) <= 40 for value in values)
    pattern = _CONTACT_VALUE.get(keys[0].group(1).lower())
    return pattern is not None and re.fullmatch(pattern, values[0]) is not None


def _metadata_block_end(lines: list[str], start: int) -> int:
    """End (exclusive) of a web-page metadata block starting at ``start``; ``start`` if there is none."""
    keys: list[str] = []
    i = start
    expecting_value = False
    while i < len(lines):
        line = lines[i]
        match = _METADATA_LINE.match(line)
        if match and len(line) <= 120:
            keys.append(match.group(1))
            expecting_value = not match.group(2).strip()
            i += 1
            continue
        if expecting_value and (_BULLET_VALUE.match(line) or (len(line) <= 40 and not _SENTENCE_END.search(line))):
            expecting_value = False
            i += 1
            continue
        if keys and _BULLET_VALUE.match(line) and len(line) <= 60:
            i += 1  # a second value line in "- key:" lists
            continue
        break
    distinct = set(keys)
    if len(distinct) >= 2 and distinct & _STRONG_METADATA_KEYS:
        return i
    if len(keys) == 1 and keys[0] in _STRONG_METADATA_KEYS:
        return i
    return start


def _is_prose(line: str) -> bool:
    return len(line) >= 20 and bool(_SENTENCE_END.search(line))


def _link_like(line: str) -> bool:
    if _line_rule(line) is not None:
        return True
    return len(line) <= 60 and "。" not in line and not _APPENDIX_HEADING.match(line) and not _SENTENCE_END.search(line)


# --------------------------------------------------------------------------------------------------
# Appendix
# --------------------------------------------------------------------------------------------------
_CLOSING = re.compile(
    r"(奋斗|贡献|努力|前进|奋进|篇章|胜利|新局面|辉煌|未来|目标|开拓进取|新征程|伟业|拼搏)[^\n]{0,6}[！!]”?$"
    r"|^.*让我们.*[。！!]”?$"
)
_NOTE_MARKER = re.compile(r"^(\d+[.、．)）]|[①-⑳]|\[\d+\]|[（(]\d+[)）]|注\s*\d*\s*[:：])")
_TABLE_TITLE = re.compile(r"(项目|一览表|清单|附表|名单|计划表|情况表|汇总表|安排表|分解表|任务表|目录)$")


def _split_appendix(lines: list[str]) -> tuple[list[str], list[str]]:
    """Split lines into (body, appendix): what follows the closing call, if it looks like an appendix."""
    if len(lines) < 2:
        return lines, []
    closing = None
    for index in range(len(lines) - 1, 0, -1):
        if _CLOSING.search(lines[index]) and len(lines[index]) >= 15:
            closing = index
            break
    if closing is not None and closing < len(lines) - 1:
        rest = lines[closing + 1 :]
        if _looks_like_appendix(rest):
            return lines[: closing + 1], rest
    if closing is None:
        for index in range(max(1, len(lines) // 2), len(lines)):
            if _APPENDIX_HEADING.match(lines[index]):
                return lines[:index], lines[index:]
    return lines, []


def _looks_like_appendix(rest: list[str]) -> bool:
    if _APPENDIX_HEADING.match(rest[0]):
        return True
    if len(rest[0]) <= 40 and _TABLE_TITLE.search(rest[0]) and not _SENTENCE_END.search(rest[0]):
        return True
    notes = sum(1 for line in rest if _NOTE_MARKER.match(line))
    if notes >= max(1, len(rest) // 2):
        return True
    lengths = sorted(len(line) for line in rest)
    return len(rest) >= 4 and lengths[len(lengths) // 2] <= 20


# --------------------------------------------------------------------------------------------------
# The whole cleaning step
# --------------------------------------------------------------------------------------------------
#: Boilerplate rule names, for documentation and for filtering ``Corpus.removed``.
RULES: tuple[str, ...] = (
    "breadcrumb", "metadata_block", "source_line", "share", "page_controls", "prev_next", "related_links",
    "qr_code", "footer_links", "photo_caption", "lone_bullet", "license_notice", "markup_residue", "page_chrome",
    "site_menu", "site_banner", "footer_contact",
    # page furniture the HTML reader leaves out (see ``clean_text``): <nav>, <header>, <footer>, <aside>, lists of
    # nothing but links, form controls, hidden elements
    "html_nav", "html_header", "html_footer", "html_aside", "html_menu", "html_form", "html_hidden",
)


def clean_text(text: str) -> CleanResult:
    """Clean one report: normalize, re-join broken lines, remove boilerplate, set the appendix aside.

    Never raises on a ``str``; ``clean_text(r.text).text == r.text`` for any result ``r`` (the steps are
    repeated until nothing changes).

    The text of an HTML page (:class:`reportlab_analysis.reading.PageText`) carries in ``dropped`` the page
    furniture the reader left out of it (``<nav>``, ``<header>``, ``<footer>``, ``<aside>``, link menus, form
    controls, hidden elements), each as a :class:`Removal`; these come first in ``removed``, so that every piece of
    a page that is not in the clean text is recorded.

    Example:
        >>> r = clean_text("政府工作报告\\n……为建设美丽家园而努力奋斗！\\n名词解释：\\n1.六稳：稳就业等。\\n上一篇：无")
        >>> r.text, r.appendix, [x.rule for x in r.removed]
        ('政府工作报告\\n……为建设美丽家园而努力奋斗！', '名词解释：\\n1.六稳：稳就业等。', ['prev_next'])
    """
    if not isinstance(text, str):
        raise TypeError(f"clean_text expects a str, got {type(text).__name__}")
    dropped = getattr(text, "dropped", ())  # what the HTML reader left out (a PageText), recorded first
    removed = [Removal(item.rule, normalize_text(item.text)) for item in dropped if isinstance(item, Removal)]
    text = _LINE_BREAKS.sub("\n", text)
    text = _rejoin_soft_wraps(text)
    lines = [line for line in normalize_text(text).split("\n") if line]
    appendix: list[str] = []
    for _ in range(10_000):  # each round either changes nothing (done) or shortens the text
        before = lines
        lines = _join_broken_lines(lines)
        lines, dropped = _remove_boilerplate(lines)
        removed.extend(dropped)
        lines, moved = _split_appendix(lines)
        appendix = moved + appendix
        if lines == before:
            break
    return CleanResult(text="\n".join(lines), appendix="\n".join(appendix), removed=tuple(removed))


# ---------------------------------------------------------------------------------------------------------
# Traditional script (OpenCC's character table, read once; used by metadata, corpus quality checks and tokenize)
# ---------------------------------------------------------------------------------------------------------
@lru_cache(maxsize=1)
def _opencc_characters() -> tuple[frozenset[str], dict[int, str]]:
    import opencc  # opencc-python-reimplemented ships its tables as plain text

    path = Path(opencc.__file__).parent / "dictionary" / "TSCharacters.txt"
    traditional: set[str] = set()
    table: dict[int, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        key, _, values = line.partition("\t")
        choices = values.split()
        if len(key) == 1 and key not in choices:
            traditional.add(key)  # a character written only in traditional script
            if choices and len(choices[0]) == 1:
                table[ord(key)] = choices[0]
    return frozenset(traditional), table


def traditional_only_characters() -> frozenset[str]:
    """Characters written only in traditional script (from OpenCC's TSCharacters table).

    Example:
        >>> "報" in traditional_only_characters() and "报" not in traditional_only_characters()
        True
    """
    return _opencc_characters()[0]


def traditional_to_simplified_table() -> dict[int, str]:
    """A ``str.translate`` table from each traditional-only character to its (first) simplified form.

    Example:
        >>> "政府工作報告".translate(traditional_to_simplified_table())
        '政府工作报告'
    """
    return _opencc_characters()[1]


def simplified(text: str) -> str:
    """``text`` with every character written only in traditional script replaced by its simplified form.

    One character for one, so positions and lengths are unchanged: pattern matchers (section headings, targets,
    attention dictionaries) read this view of a traditional-script report while the report keeps its own text.

    Example:
        >>> simplified("加強政府自身建設")
        '加强政府自身建设'
    """
    _, table = _opencc_characters()
    return text.translate(table) if not traditional_only_characters().isdisjoint(text) else text
