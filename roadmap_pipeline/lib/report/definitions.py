"""What each figure of the report means, in Korean and English, as DESIGN.md ("Indicators") states it.

The report prints these next to the numbers, so that a reader can check a value by hand from the
exported components (n_recent, n_base, z-scores, RTA …) without reading code.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Definition:
    """One indicator: its column, names and formula in words."""

    column: str
    name_ko: str
    name_en: str
    text_ko: str
    text_en: str


SEED_SHARE_NOTE = (
    "보도자료 표의 출원점유율 값은 그 표만으로는 재현되지 않는다: 설계 분야 세 값의 합은 58.6%, "
    "설비건전성 세 값의 합은 68.4%인데, 세부기술이 분야를 모두 덮으면 분야 안 점유율의 합은 100% 이상이어야 "
    "한다. 또 12개 중 6개 세부기술의 값만으로 합이 127.0%가 되어 전체에 대한 점유율로 읽기도 어렵다. "
    "이 보고서의 출원점유율은 세부기술의 패밀리 수 / 그 기술분류의 서로 다른 패밀리 수이다.",
    "The application shares (출원점유율) in the seed press release's table cannot be reproduced from "
    "that table: design's three values sum to 58.6 % and equipment health's three to 68.4 %, whereas "
    "shares within a category sum to at least 100 % when its subclasses cover it; and six of the "
    "twelve subclasses alone sum to 127.0 %, which is hard to read as shares of the whole. Here the "
    "application share is the families of the subclass / the distinct families of its category.",
)


def _threshold(value: float) -> str:
    return f"{value:g}"


def indicator_definitions(core_threshold: float = 0.0, strength_threshold: float = 0.0,
                          recent_years: int = 3, incomplete_years: int = 2) -> tuple[Definition, ...]:
    """The definitions of the roadmap table's columns, with the thresholds and periods in force."""
    core, strong = _threshold(core_threshold), _threshold(strength_threshold)
    return (
        Definition(
            "n_families", "집계 단위", "Counting",
            f"단순 패밀리(simple family)를 가장 이른 우선권 연도로 센다. 국적은 최초 출원국이다. 분석 기간의 "
            f"마지막 {incomplete_years}개 연도는 공개 지연(18개월) 때문에 미완결로 보고 부상도에서 뺀다. "
            f"R = 그 앞의 완결된 최근 {recent_years}개 연도, B = 기간 안의 그 이전 연도.",
            f"Simple families, counted by earliest priority year; a family's nationality is its "
            f"first-filing country. The last {incomplete_years} years of the window are incomplete "
            f"(18-month publication lag) and left out of growth. R = the last {recent_years} complete "
            f"years, B = the years of the window before them.",
        ),
        Definition(
            "application_share", "출원점유율", "Application share",
            "세부기술 i의 패밀리 수 / 그 기술분류의 (서로 다른) 패밀리 수. 두 세부기술에 속한 패밀리는 "
            "두 곳 모두에서 센다.",
            "Families of subclass i / distinct families of its category; a family in two subclasses "
            "counts in both.",
        ),
        Definition(
            "korea_share", "한국 점유율", "Korea share",
            "세부기술 i의 한국(최초 출원국 KR) 패밀리 수 / 세부기술 i의 패밀리 수.",
            "KR (first-filing country) families of subclass i / families of subclass i.",
        ),
        Definition(
            "growth", "기술부상도", "Growth",
            "g_i = ln[((N_i^R + ½)/(N_i^B + ½)) / ((N^R + ½)/(N^B + ½))], N = 기술분류체계 전체. 0은 "
            "전체와 같은 속도로 성장함을 뜻한다.",
            "g_i = ln[((N_i^R + ½)/(N_i^B + ½)) / ((N^R + ½)/(N^B + ½))], N = the whole taxonomy; "
            "0 means growing as fast as the whole taxonomy.",
        ),
        Definition(
            "importance", "기술중요도", "Importance",
            "기술분류체계의 모든 세부기술에 걸친 z-점수의 평균: ln N_i, g_i, PII_i(패밀리당 피인용 수 / "
            "전체 평균; 피인용 자료가 없으면 제외), PFS_i(평균 패밀리 크기 / 전체 평균).",
            "Mean of the z-scores, across all subclasses of the taxonomy, of ln N_i, g_i, PII_i "
            "(citations per family / taxonomy mean; left out when citations are missing) and PFS_i "
            "(mean family size / taxonomy mean).",
        ),
        Definition(
            "korea_competitiveness", "한국경쟁력", "Korea competitiveness",
            "RSCA = (RTA−1)/(RTA+1), (PII_KR,i − 1)/(PII_KR,i + 1), (PFS_KR,i − 1)/(PFS_KR,i + 1)의 "
            "평균; 범위 [−1, 1]. RTA = 세부기술 안 한국 패밀리 비율 / 전체 안 한국 패밀리 비율.",
            "Mean of RSCA = (RTA−1)/(RTA+1), (PII_KR,i − 1)/(PII_KR,i + 1) and "
            "(PFS_KR,i − 1)/(PFS_KR,i + 1); in [−1, 1]. RTA = Korea's share of the subclass / "
            "Korea's share of the taxonomy.",
        ),
        Definition(
            "is_core", "핵심분야", "Core",
            f"기술중요도 > {core}이면 o.",
            f"'o' when importance > {core}.",
        ),
        Definition(
            "korea_strength", "한국강약점", "Korea strength",
            f"한국경쟁력 > {strong}이면 强, 아니면 弱.",
            f"强 (strong) when Korea competitiveness > {strong}, else 弱 (weak).",
        ),
        Definition(
            "is_focus", "중점분야", "Focus",
            "핵심분야이면서 强이면 V.",
            "'V' when core and strong (强).",
        ),
    )


TOPIC_DEFINITIONS = (
    Definition(
        "label", "군집 이름", "Cluster label",
        "군집의 c-TF-IDF 상위 핵심어: W(t, c) = tf(t, c) / Σ tf(·, c) × log(1 + A / f(t)) "
        "(A = 군집당 평균 단어 수, f(t) = 전체 빈도).",
        "The cluster's top c-TF-IDF keywords: W(t, c) = tf(t, c) / Σ tf(·, c) × log(1 + A / f(t)) "
        "(A = average words per cluster, f(t) = the term's frequency over all clusters).",
    ),
    Definition(
        "weight", "핵심어 가중치", "Keyword weight",
        "시구간별 c-TF-IDF: 시구간 안의 상대 빈도 × 군집 전체로 맞춘 idf. idf가 시구간마다 같으므로 "
        "추세선을 시구간끼리 비교할 수 있다.",
        "c-TF-IDF per time window: the keyword's share of the window's words × an idf fitted on whole "
        "clusters; the idf is the same in every window, so a trend line compares across windows.",
    ),
    Definition(
        "escore", "부상 점수", "Emergence score (EScore)",
        "Carley–Porter EScore: 기준 3개 연도와 활동 7개 연도에서 2 × 활동 추세 + 최근 추세 + 기울기. "
        "문서 수, 기준 점유율, 활동/기준 비율, 기간 요건을 모두 만족한 핵심어만 부상 후보이다.",
        "Carley–Porter EScore over 3 base and 7 active years: 2 × active trend + recent trend + slope. "
        "Only keywords meeting the document-count, base-share, active-to-base and span criteria are "
        "eligible.",
    ),
    Definition(
        "theme_growth", "과제 후보 순위", "Task theme rank",
        "군집의 부상도(세부기술 전체 대비, 기술부상도와 같은 식) 내림차순; 각 군집의 부상 핵심어를 "
        "함께 보인다.",
        "Clusters by growth (relative to the whole subclass, the same formula as growth above), "
        "highest first, each with its emerging keywords.",
    ),
)
