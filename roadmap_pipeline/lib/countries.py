"""Country names as patent offices write them (Korean, English, codes) mapped to ISO 3166 codes.

KIPRIS writes an applicant's country as a Korean name (``대한민국``, ``미합중국``); other sources
write English names (``Republic of Korea``, ``U.S.A.``) or two-letter codes. ``country_code`` turns
any of them into the ISO 3166-1 alpha-2 code, and returns None for a name it does not know, so that
the caller keeps the name and decides how to report the gap. ``office_code`` also accepts the WIPO
ST.3 codes and names of the regional and international offices (EP, WO, …), for priority and citation
authorities, which are offices rather than countries.
"""

from __future__ import annotations

import re
import unicodedata

# ISO 3166-1 alpha-2, all officially assigned codes.
ISO_CODES = frozenset(
    """
    AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS
    BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE
    EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM
    HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC
    LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA
    NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW
    SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO
    TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW
    """.split()
)

# WIPO ST.3 codes of regional and international patent offices (not countries).
OFFICE_CODES = frozenset({"EP", "WO", "EA", "AP", "OA", "GC", "EM", "XN", "XV", "IB"})

# Codes people write that are not ISO codes, and the ISO code they mean.
_CODE_ALIASES = {"UK": "GB", "EL": "GR"}

# Korean names, as KIPO and Korean sources write them; keys are compared without spaces.
_KOREAN = {
    "KR": ["대한민국", "한국", "남한"],
    "KP": ["조선민주주의인민공화국", "북한"],
    "US": ["미국", "미합중국", "아메리카합중국"],
    "JP": ["일본", "일본국"],
    "CN": ["중국", "중화인민공화국"],
    "TW": ["대만", "타이완", "중화민국"],
    "HK": ["홍콩"],
    "DE": ["독일", "독일연방공화국", "도이칠란트"],
    "FR": ["프랑스", "프랑스공화국"],
    "GB": ["영국", "그레이트브리튼및북아일랜드연합왕국", "연합왕국"],
    "CH": ["스위스", "스위스연방"],
    "NL": ["네덜란드", "화란"],
    "SE": ["스웨덴"],
    "FI": ["핀란드"],
    "DK": ["덴마크"],
    "NO": ["노르웨이"],
    "IT": ["이탈리아", "이태리"],
    "ES": ["스페인", "에스파냐"],
    "PT": ["포르투갈"],
    "BE": ["벨기에"],
    "AT": ["오스트리아"],
    "IE": ["아일랜드"],
    "LU": ["룩셈부르크"],
    "LI": ["리히텐슈타인", "리히텐쉬타인"],
    "MC": ["모나코"],
    "GR": ["그리스"],
    "PL": ["폴란드"],
    "CZ": ["체코", "체코공화국"],
    "HU": ["헝가리"],
    "SI": ["슬로베니아"],
    "RU": ["러시아", "러시아연방"],
    "UA": ["우크라이나"],
    "TR": ["튀르키예", "터키"],
    "IL": ["이스라엘"],
    "SA": ["사우디아라비아"],
    "AE": ["아랍에미리트", "아랍에미리트연합", "아랍에미리트연합국"],
    "IN": ["인도"],
    "SG": ["싱가포르", "싱가폴"],
    "MY": ["말레이시아"],
    "TH": ["태국", "타이"],
    "VN": ["베트남"],
    "ID": ["인도네시아"],
    "PH": ["필리핀"],
    "AU": ["호주", "오스트레일리아"],
    "NZ": ["뉴질랜드"],
    "CA": ["캐나다"],
    "MX": ["멕시코"],
    "BR": ["브라질"],
    "AR": ["아르헨티나"],
    "CL": ["칠레"],
    "ZA": ["남아프리카공화국", "남아공", "남아프리카"],
    "EG": ["이집트"],
    "IR": ["이란"],
    "KY": ["케이맨제도", "케이맨군도", "케이만군도"],
    "VG": ["영국령버진아일랜드", "버진아일랜드(영국령)", "영국령버진제도"],
    "BM": ["버뮤다"],
    "BB": ["바베이도스"],
    "CW": ["퀴라소"],
    "MT": ["몰타"],
    "CY": ["키프로스", "사이프러스"],
    "IS": ["아이슬란드"],
    "EE": ["에스토니아"],
    "SK": ["슬로바키아"],
    "RO": ["루마니아"],
    "BG": ["불가리아"],
    "HR": ["크로아티아"],
    "RS": ["세르비아"],
    "KZ": ["카자흐스탄"],
    "MN": ["몽골"],
    "PK": ["파키스탄"],
    "BD": ["방글라데시"],
    "LK": ["스리랑카"],
    "MO": ["마카오"],
    "QA": ["카타르"],
    "KW": ["쿠웨이트"],
}

# English names and common variants; keys are compared after `_english_key`.
_ENGLISH = {
    "KR": ["republic of korea", "korea republic of", "korea rep", "korea rep of", "south korea",
           "korea", "korea south", "rok"],
    "KP": ["democratic peoples republic of korea", "north korea", "korea north", "dprk"],
    "US": ["united states", "united states of america", "usa", "us", "america"],
    "JP": ["japan"],
    "CN": ["china", "peoples republic of china", "pr china", "prc", "china peoples republic of"],
    "TW": ["taiwan", "taiwan province of china", "republic of china", "chinese taipei", "taiwan roc"],
    "HK": ["hong kong", "hongkong", "hong kong sar", "hong kong china"],
    "DE": ["germany", "federal republic of germany", "deutschland"],
    "FR": ["france", "french republic"],
    "GB": ["united kingdom", "great britain", "england", "united kingdom of great britain and "
           "northern ireland", "britain"],
    "CH": ["switzerland", "swiss confederation"],
    "NL": ["netherlands", "the netherlands", "holland", "kingdom of the netherlands"],
    "SE": ["sweden"],
    "FI": ["finland"],
    "DK": ["denmark"],
    "NO": ["norway"],
    "IT": ["italy"],
    "ES": ["spain"],
    "PT": ["portugal"],
    "BE": ["belgium"],
    "AT": ["austria"],
    "IE": ["ireland", "republic of ireland"],
    "LU": ["luxembourg", "luxemburg"],
    "LI": ["liechtenstein"],
    "MC": ["monaco"],
    "GR": ["greece"],
    "PL": ["poland"],
    "CZ": ["czech republic", "czechia"],
    "HU": ["hungary"],
    "SI": ["slovenia"],
    "RU": ["russia", "russian federation"],
    "UA": ["ukraine"],
    "TR": ["turkey", "turkiye", "türkiye"],
    "IL": ["israel"],
    "SA": ["saudi arabia", "kingdom of saudi arabia"],
    "AE": ["united arab emirates", "uae"],
    "IN": ["india"],
    "SG": ["singapore"],
    "MY": ["malaysia"],
    "TH": ["thailand"],
    "VN": ["vietnam", "viet nam"],
    "ID": ["indonesia"],
    "PH": ["philippines"],
    "AU": ["australia"],
    "NZ": ["new zealand"],
    "CA": ["canada"],
    "MX": ["mexico"],
    "BR": ["brazil"],
    "AR": ["argentina"],
    "CL": ["chile"],
    "ZA": ["south africa", "republic of south africa"],
    "EG": ["egypt"],
    "IR": ["iran", "islamic republic of iran", "iran islamic republic of"],
    "KY": ["cayman islands"],
    "VG": ["british virgin islands", "virgin islands british"],
    "BM": ["bermuda"],
    "BB": ["barbados"],
    "CW": ["curacao", "curaçao"],
    "MT": ["malta"],
    "CY": ["cyprus"],
    "IS": ["iceland"],
    "EE": ["estonia"],
    "SK": ["slovakia"],
    "RO": ["romania"],
    "BG": ["bulgaria"],
    "HR": ["croatia"],
    "RS": ["serbia"],
    "KZ": ["kazakhstan"],
    "MN": ["mongolia"],
    "PK": ["pakistan"],
    "BD": ["bangladesh"],
    "LK": ["sri lanka"],
    "MO": ["macao", "macau"],
    "QA": ["qatar"],
    "KW": ["kuwait"],
}

# Regional and international offices by name (for `office_code` only).
_OFFICE_NAMES = {
    "EP": ["유럽특허청", "유럽", "유럽특허", "european patent office", "epo", "europe"],
    "WO": ["세계지식재산기구", "세계지적재산권기구", "국제사무국", "pct", "wipo",
           "world intellectual property organization"],
    "EA": ["유라시아특허청", "eurasian patent organization", "eapo"],
}

_BRACKETED_CODE = re.compile(r"[(\[]\s*([A-Za-z]{2})\s*[)\]]$")
_DROPPED = re.compile(r"[.'’`]")  # U.S.A. -> usa, People's -> peoples
_SPACED = re.compile(r"[,()\[\]/&-]")


def _korean_key(name: str) -> str:
    return re.sub(r"\s+", "", name)


def _english_key(name: str) -> str:
    key = _DROPPED.sub("", name.casefold().replace("&", " and "))
    key = " ".join(_SPACED.sub(" ", key).split())
    return key[4:] if key.startswith("the ") else key


def _index(table: dict[str, list[str]]) -> dict[str, str]:
    index: dict[str, str] = {}
    for code, names in table.items():
        for name in names:
            index[_korean_key(name)] = code
            index[_english_key(name)] = code
    return index


_COUNTRY_INDEX = {**_index(_KOREAN), **_index(_ENGLISH)}
_OFFICE_INDEX = _index(_OFFICE_NAMES)


def country_code(value: str | None) -> str | None:
    """ISO 3166-1 alpha-2 code of a country written as a code or a Korean or English name.

    Args:
        value: ``KR``, ``kr``, ``대한민국``, ``미합중국``, ``Republic of Korea``, ``U.S.A.``,
            ``삼성 (KR)`` style names ending in a bracketed code, or blank.

    Returns:
        The code (``KR``), or None when the value is blank or not a country this module knows.
    """
    return _lookup(value, offices=False)


def office_code(value: str | None) -> str | None:
    """Like `country_code`, but also accepts regional and international offices (EP, WO, EA…).

    Args:
        value: a country as for `country_code`, or an office code or name (``EP``,
            ``유럽특허청``, ``PCT``).

    Returns:
        The ISO or WIPO ST.3 code, or None when blank or unknown.
    """
    return _lookup(value, offices=True)


def _lookup(value: str | None, offices: bool) -> str | None:
    if value is None:
        return None
    text = unicodedata.normalize("NFKC", value).strip()
    if not text:
        return None
    code = _as_code(text, offices)
    if code:
        return code
    bracketed = _BRACKETED_CODE.search(text)
    if bracketed:
        code = _as_code(bracketed.group(1), offices)
        if code:
            return code
    for key in (_korean_key(text), _english_key(text)):
        if key in _COUNTRY_INDEX:
            return _COUNTRY_INDEX[key]
        if offices and key in _OFFICE_INDEX:
            return _OFFICE_INDEX[key]
    return None


def _as_code(text: str, offices: bool) -> str | None:
    if len(text) != 2 or not text.isascii() or not text.isalpha():
        return None
    code = text.upper()
    code = _CODE_ALIASES.get(code, code)
    if code in ISO_CODES or (offices and code in OFFICE_CODES):
        return code
    return None
