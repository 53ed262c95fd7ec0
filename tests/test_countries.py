"""Country names (Korean, English) and codes to ISO 3166 codes."""

from __future__ import annotations

import pytest

from roadmap_pipeline.lib.countries import ISO_CODES, country_code, office_code

# The most frequent applicant countries in patent data, with a Korean and an English name each.
FREQUENT = {
    "KR": ("대한민국", "Republic of Korea"),
    "US": ("미국", "United States of America"),
    "JP": ("일본", "Japan"),
    "CN": ("중국", "China"),
    "DE": ("독일", "Germany"),
    "FR": ("프랑스", "France"),
    "GB": ("영국", "United Kingdom"),
    "CH": ("스위스", "Switzerland"),
    "NL": ("네덜란드", "Netherlands"),
    "SE": ("스웨덴", "Sweden"),
    "TW": ("대만", "Taiwan"),
    "IT": ("이탈리아", "Italy"),
    "CA": ("캐나다", "Canada"),
    "IL": ("이스라엘", "Israel"),
    "FI": ("핀란드", "Finland"),
    "AT": ("오스트리아", "Austria"),
    "BE": ("벨기에", "Belgium"),
    "DK": ("덴마크", "Denmark"),
    "AU": ("호주", "Australia"),
    "SG": ("싱가포르", "Singapore"),
    "IN": ("인도", "India"),
    "ES": ("스페인", "Spain"),
    "NO": ("노르웨이", "Norway"),
    "IE": ("아일랜드", "Ireland"),
    "RU": ("러시아", "Russian Federation"),
    "BR": ("브라질", "Brazil"),
    "HK": ("홍콩", "Hong Kong"),
    "LU": ("룩셈부르크", "Luxembourg"),
    "NZ": ("뉴질랜드", "New Zealand"),
    "SA": ("사우디아라비아", "Saudi Arabia"),
    "CZ": ("체코", "Czech Republic"),
    "PL": ("폴란드", "Poland"),
    "HU": ("헝가리", "Hungary"),
    "ZA": ("남아프리카공화국", "South Africa"),
    "MX": ("멕시코", "Mexico"),
    "TR": ("튀르키예", "Turkey"),
    "MY": ("말레이시아", "Malaysia"),
    "TH": ("태국", "Thailand"),
    "VN": ("베트남", "Viet Nam"),
    "ID": ("인도네시아", "Indonesia"),
    "PH": ("필리핀", "Philippines"),
    "AE": ("아랍에미리트", "United Arab Emirates"),
    "KY": ("케이맨제도", "Cayman Islands"),
    "VG": ("영국령버진아일랜드", "British Virgin Islands"),
    "BM": ("버뮤다", "Bermuda"),
    "BB": ("바베이도스", "Barbados"),
    "LI": ("리히텐슈타인", "Liechtenstein"),
    "GR": ("그리스", "Greece"),
    "PT": ("포르투갈", "Portugal"),
    "SI": ("슬로베니아", "Slovenia"),
}


@pytest.mark.parametrize(("code", "names"), sorted(FREQUENT.items()))
def test_frequent_countries_by_korean_and_english_name_and_code(code, names):
    korean, english = names
    assert country_code(korean) == code
    assert country_code(english) == code
    assert country_code(english.upper()) == code
    assert country_code(code) == code
    assert country_code(code.lower()) == code


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("대한민국", "KR"),  # as KIPRIS writes it
        (" 대한민국 ", "KR"),
        ("대한 민국", "KR"),
        ("미합중국", "US"),
        ("중화인민공화국", "CN"),
        ("독일연방공화국", "DE"),
        ("중화민국", "TW"),
        ("Korea, Republic of", "KR"),
        ("KOREA, REP. OF", "KR"),
        ("South Korea", "KR"),
        ("U.S.A.", "US"),
        ("People's Republic of China", "CN"),
        ("The Netherlands", "NL"),
        ("대한민국(KR)", "KR"),
        ("Germany [DE]", "DE"),
        ("UK", "GB"),
        ("ＫＲ", "KR"),  # full-width letters
    ],
)
def test_written_variants(written, code):
    assert country_code(written) == code


@pytest.mark.parametrize("written", [None, "", " ", "Atlantis", "가상국", "XX", "EP", "Korea North South"])
def test_unknown_or_blank_is_none(written):
    assert country_code(written) is None


def test_north_korea_is_not_south_korea():
    assert country_code("조선민주주의인민공화국") == "KP"
    assert country_code("Democratic People's Republic of Korea") == "KP"


@pytest.mark.parametrize(
    ("written", "code"),
    [("EP", "EP"), ("wo", "WO"), ("유럽특허청", "EP"), ("PCT", "WO"), ("미국", "US"), ("XX", None)],
)
def test_office_codes(written, code):
    assert office_code(written) == code


def test_iso_code_list_is_complete():
    assert len(ISO_CODES) == 249
    assert {"KR", "US", "JP", "CN", "DE", "GB", "TW"} <= ISO_CODES
    assert not {"EP", "WO", "UK"} & ISO_CODES
