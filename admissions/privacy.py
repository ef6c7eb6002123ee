"""Personal data in inquiries and comments: masking phone numbers for staff screens, and
finding and masking personal data in any text that is published.

`find_personal_data` reads the text as callers write it: digits may be full-width or
Chinese (一三九…, 五零一), numbers may carry spaces and dashes inside, names come after
孩子/家长/我叫/姓, before 先生/女士 or right next to a phone or ID number. What it finds is
masked by `anonymise`; staff still read the result before publishing (the publisher sees
it side by side with the original), this is the safety net under that review.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

KINDS = ("name", "id_number", "phone", "account", "email", "house", "plate")
PLACEHOLDER = {"name": "某某", "id_number": "＊＊＊", "phone": "＊＊＊", "account": "＊＊＊",
               "email": "＊＊＊", "plate": "＊＊＊"}

# Full-width and Chinese digits read as ASCII, one character for one, so that a match in
# the normalised copy is a span of the original text.
_DIGITS = str.maketrans({**{chr(0xFF10 + i): str(i) for i in range(10)},
                         **dict(zip("零〇一二三四五六七八九幺两", "0012345678912", strict=True))})
_SEP = r"[ \t\u3000\-－—–‐.·]{0,2}"  # what people put between groups of digits
MOBILE = re.compile(rf"(?<![\dA-Za-z])(?:(?:\+|＋)?86{_SEP})?1{_SEP}[3-9](?:{_SEP}\d){{9}}"
                    rf"(?!\d)")
LANDLINE = re.compile(rf"(?<![\dA-Za-z])[（(]?0[1-9]\d{{1,2}}[）)]?{_SEP}[2-9](?:{_SEP}\d){{6,7}}"
                      rf"(?!\d)")
# A local number without its area code only counts as a phone after a word that says so.
LOCAL_PHONE = re.compile(rf"(?:电话|手机|座机|固话|联系方式|打|拨|致电|号码)[^\d，。；]{{0,6}}"
                         rf"(?P<n>[2-9](?:{_SEP}\d){{6,7}})(?!\d)")
ID_NUMBER = re.compile(rf"(?<![\dA-Za-z])[1-9](?:{_SEP}\d){{16}}{_SEP}[\dXx×](?![\dA-Za-z])"
                       rf"|(?<![\dA-Za-z])[1-9](?:{_SEP}\d){{14}}(?![\dA-Za-z])")
LONG_DIGITS = re.compile(r"(?<!\d)\d(?:[ \u3000]?\d){8,}(?!\d)")  # bank cards, any long number
EMAIL = re.compile(r"[\w.+-]+\s?(?:@|＠)\s?[\w-]+(?:\.[\w-]+)+", re.ASCII)
ACCOUNT = re.compile(r"(?:微信号?|微 信|vx|VX|wx|WX|weixin|WeChat|wechat|QQ号?|qq号?|扣扣号?)"
                     r"(?:号码|账号|id|ID)?[\s:：是为加]*"
                     r"(?P<n>[A-Za-z][-_A-Za-z0-9]{4,19}|\d{5,12})"
                     r"|(?P<w>wxid_[A-Za-z0-9]+)")
_CN_NUM = "0-9零〇一二三四五六七八九十百两"
HOUSE = re.compile(rf"(?<![月第周年级点])[{_CN_NUM}]+[\s]*"
                   rf"(?P<suffix>号楼|号院|号门|号|栋|幢|座|单元|层|楼|室|户)(?![线车人岗码子期批])")
ROOM_AFTER = re.compile(rf"(?:号楼|栋|幢|座|单元|楼)[\s-]*(?P<n>[{_CN_NUM}]{{3,4}})"
                        rf"(?![{_CN_NUM}年月日])")
ROOM_DASHED = re.compile(r"(?<![\d-])\d{1,3}-\d{1,2}-\d{3,4}(?![\d-])")
# 五零一, 一零零二: spoken digit by digit with a zero inside, a room number or nothing.
_CN_DIGIT = "零〇一二三四五六七八九"
ROOM_SPOKEN = re.compile(rf"(?<![{_CN_DIGIT}])[一二三四五六七八九][零〇][{_CN_DIGIT}][{_CN_DIGIT}]?"
                         rf"(?![{_CN_DIGIT}十百千万年])")
PLATE = re.compile(r"[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼]"
                   r"[A-HJ-NP-Za-hj-np-z][\s·•.-]?[A-HJ-NP-Za-hj-np-z0-9]{5,6}(?![A-Za-z0-9])")

# The commoner surnames (well over 95% of people), single and double.
SURNAMES = set(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝"
    "龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左"
    "柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶"
    "解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬"
    "边卞姬师仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩佘池查麻苑迟邝官封谈匡鞠惠荆乐冀郁胥南储原栗燕"
    "楚鄢劳谌奚皮粟冼蔺楼满闻厉伊仝郜阚花权帅屠朴盖练廉禹井祖漆巴丰支卿狄计索宣晋初云容敬扈晁芮"
    "普阙浦戈伏鹿薄邸雍辜羊乌母裘亓修邰赫杭况宿鲜印逯隆茹诸战慕危银亢嵇湛宾戎勾茅利於呼居揭干尉"
    "束檀衣展阴昝智幸奉植衡富尧")
COMPOUND_SURNAMES = ("欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "令狐", "慕容", "宇文", "长孙",
                     "夏侯", "尉迟", "公孙", "端木", "独孤", "南宫", "西门", "呼延")
# Compound surnames that are no everyday word: found wherever they stand.
RARE_WORD_COMPOUND_SURNAMES = ("欧阳", "司马", "诸葛", "令狐", "慕容", "皇甫", "公孙", "尉迟",
                               "夏侯", "端木", "独孤", "宇文", "呼延")
# Characters that end a name: function words and the words that follow names in requests.
NOT_IN_NAME = set(
    "的了在是和与跟及或也都就还又很太要想能会可已没不无有说问去到下里外前后今昨年月日"
    "时点分号楼栋室单元区街路校班级老师长孩儿爸妈爷奶姥叔姨哥姐弟妹您你我他她它们这那"
    "哪谁什么怎吗呢吧啊呀哦嗯请让给把被对向从因为所以但如果而且现今已经正才再需必该得着过"
    "户口房证报名入读转办理登记录取划片对口政策材料电话手机号码身份微信邮箱地址联系方式先生女士"
    "，。、；：！？（）()「」“”《》 \t\n0123456789０１２３４５６７８９二三四五六七八九十零〇"
    "主任同事领导部门局委会公司单位情况问题事个位名字姓叫称作人员工作生活居住租买卖学籍")
NAME_TRIGGER = (r"(?:孩子|小孩|孩儿|儿子|女儿|闺女|孙子|孙女|外孙|外孙女|学生|考生|家长|本人|"
                r"我叫|我是|我的名字是|名字是|名字叫|名叫|叫做|叫|姓名|联系人|申请人|监护人|父亲|"
                r"母亲|爸爸|妈妈|老公|爱人|丈夫|妻子|儿童|老人|外婆|外公|姥姥|姥爷|奶奶|爷爷|户主|"
                r"名字|学员)[\s:：是为叫]*")
TITLES = (r"(?:先生|女士|小姐|老师|同学|阿姨|大姐|大哥|师傅|老人|大爷|奶奶|爷爷|家长|同志|主任|"
          r"校长|的?妈妈|的?爸爸)")
SURNAME_ONLY = re.compile(r"(?:我|本人|孩子|家长|他|她|爸爸|妈妈|父亲|母亲)?姓"
                          r"(?P<s>[\u4e00-\u9fff])")
_WORD_BEFORE_NUMBER = re.compile(r"[\s:：是为，,、（(]*(?:的)?"
                                 r"(?:电话|手机号?码?|联系电话|联系方式|身份证号?码?|证件号码?)?"
                                 r"[\s:：是为，,、（(]*$")


@dataclass(frozen=True, order=True)
class Finding:
    start: int
    end: int
    kind: str

    def text(self, source: str) -> str:
        return source[self.start:self.end]


def id_check_digit_ok(digits: str) -> bool:
    """GB 11643 checksum of an 18-character resident ID number."""
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    if not re.fullmatch(r"\d{17}[\dXx]", digits):
        return False
    check = "10X98765432"[sum(int(d) * w for d, w in zip(digits, weights, strict=False)) % 11]
    return digits[-1].upper() == check


def _digits_only(text: str) -> str:
    return re.sub(r"[^\dXx]", "", text.translate(_DIGITS)).replace("×", "X")


def _name_at(text: str, start: int) -> int:
    """The end of a person's name starting at `start` (surname + one or two given
    characters), or `start` when no name starts there."""
    surname = next((c for c in COMPOUND_SURNAMES if text.startswith(c, start)), None)
    if surname is None:
        surname = text[start:start + 1]
        if surname not in SURNAMES:
            return start
    end = start + len(surname)
    given = 0
    while given < 2 and end < len(text) and "\u4e00" <= text[end] <= "\u9fff" \
            and text[end] not in NOT_IN_NAME:
        end, given = end + 1, given + 1
    return end if given else start


def _is_name(text: str, start: int, end: int) -> bool:
    """text[start:end] is a surname alone or a surname and one or two given characters."""
    surname = next((c for c in COMPOUND_SURNAMES if text.startswith(c, start)), None)
    if surname is None:
        if text[start:start + 1] not in SURNAMES:
            return False
        surname = text[start]
    given = text[start + len(surname):end]
    return len(given) <= 2 and all("\u4e00" <= c <= "\u9fff" and c not in NOT_IN_NAME
                                   for c in given)


def _name_before(text: str, end: int) -> Finding | None:
    """A name written just before a number (…刘建国，13912345678 / 刘建国身份证…)."""
    window_start = max(0, end - 14)
    head = _WORD_BEFORE_NUMBER.search(text, window_start, end)
    stop = head.start() if head else end
    for length in (4, 3, 2):
        start = stop - length
        if start >= window_start and _name_at(text, start) == stop:
            if start > 0 and text[start - 1] in SURNAMES and _name_at(text, start - 1) == stop:
                start -= 1
            return Finding(start, stop, "name")
    return None


def find_personal_data(text: str, names: tuple[str, ...] = ()) -> list[Finding]:
    """Every piece of personal data found in `text`, as non-overlapping spans."""
    text = text or ""
    plain = text.translate(_DIGITS)
    found: list[Finding] = []

    def add(start: int, end: int, kind: str) -> None:
        if end > start:
            found.append(Finding(start, end, kind))

    for match in EMAIL.finditer(text):
        add(*match.span(), "email")
    for match in ACCOUNT.finditer(text):
        group = "n" if match.group("n") else "w"
        add(*match.span(group), "account")
    for match in ID_NUMBER.finditer(plain):
        add(*match.span(), "id_number")
    for pattern in (MOBILE, LANDLINE):
        for match in pattern.finditer(plain):
            add(*match.span(), "phone")
    for match in LOCAL_PHONE.finditer(plain):
        add(*match.span("n"), "phone")
    for match in LONG_DIGITS.finditer(plain):
        add(*match.span(), "id_number" if len(_digits_only(match.group())) in (15, 18)
            else "phone")
    for match in PLATE.finditer(text):
        add(*match.span(), "plate")
    for pattern, group in ((HOUSE, 0), (ROOM_AFTER, "n"), (ROOM_DASHED, 0), (ROOM_SPOKEN, 0)):
        for match in pattern.finditer(text):
            add(*match.span(group), "house")

    for name in {n.strip() for n in names if n and len(n.strip()) >= 2}:
        for match in re.finditer(re.escape(name), text):
            add(*match.span(), "name")
        for match in re.finditer(re.escape(name[0]) + TITLES, text):
            add(match.start(), match.start() + 1, "name")
    for match in re.finditer(NAME_TRIGGER, text):
        end = _name_at(text, match.end())
        if end == match.end() and text[end:end + 1] in SURNAMES and \
                text[end + 1:end + 2] in ("", "，", ",", "。", "：", ":", " ", "、"):
            end += 1  # a surname alone: 我是段，…
        add(match.end(), end, "name")
    for match in re.finditer(TITLES, text):
        title = match.start()
        while title > 0 and text[title - 1] in " \u3000":
            title -= 1
        start = next((s for s in range(max(0, title - 4), title) if _is_name(text, s, title)),
                     None)
        if start is not None:
            add(start, title, "name")
    for match in re.finditer("|".join(RARE_WORD_COMPOUND_SURNAMES), text):
        add(match.start(), _name_at(text, match.start()) if _name_at(text, match.start())
            > match.start() else match.end(), "name")
    for match in SURNAME_ONLY.finditer(text):
        if match.group("s") in SURNAMES:
            add(*match.span("s"), "name")
    for finding in [f for f in found if f.kind in ("phone", "id_number")]:
        name = _name_before(text, finding.start)
        if name:
            found.append(name)
    return _merged(found)


def _merged(found: list[Finding]) -> list[Finding]:
    """Overlapping spans become one, keeping the kind of the longest."""
    merged: list[Finding] = []
    for finding in sorted(found, key=lambda f: (f.start, -(f.end - f.start))):
        if merged and finding.start < merged[-1].end:
            last = merged[-1]
            if finding.end > last.end:
                merged[-1] = Finding(last.start, finding.end, last.kind)
            continue
        merged.append(finding)
    return merged


def anonymise(text: str, names: tuple[str, ...] = ()) -> str:
    """Text fit for publication: names, ID numbers, phones, WeChat/QQ ids, e-mail addresses,
    house/building/unit/room numbers and plates replaced by placeholders."""
    text = text or ""
    out, position = [], 0
    for finding in find_personal_data(text, names):
        out.append(text[position:finding.start])
        if finding.kind == "house":
            piece = finding.text(text)
            suffix = HOUSE.fullmatch(piece)
            out.append("×" + suffix.group("suffix") if suffix else "×")
        elif finding.kind == "name":
            out.append("某" if finding.end - finding.start == 1 else "某某")
        else:
            out.append(PLACEHOLDER[finding.kind])
        position = finding.end
    out.append(text[position:])
    return "".join(out)


# Phone numbers of callers (staff screens) ------------------------------------------------

PHONE_PATTERN = re.compile(r"1[3-9]\d{9}|0\d{2,3}-?\d{7,8}")


def normalize_phone(raw: str) -> str:
    return re.sub(r"[\s-]", "", raw or "")


def is_valid_phone(raw: str) -> bool:
    return bool(PHONE_PATTERN.fullmatch(normalize_phone(raw)))


def mask_phone(phone: str | None) -> str:
    """138****5678 for mobiles; keep the area code and the last 4 digits of a landline."""
    digits = normalize_phone(phone or "")
    if len(digits) < 7:
        return "****"
    if digits.startswith("0"):
        head = digits[:3] if digits[1] in "12" else digits[:4]  # 010, 02x: 3-digit codes
        return f"{head}-****{digits[-4:]}"
    return f"{digits[:3]}****{digits[-4:]}"
