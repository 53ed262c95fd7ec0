"""Words shared by every topic: AI methods by era, title nouns, people's and companies' names.

Every multilingual entry is a `Term` (English, Korean, Japanese, Chinese), so that a family's native
titles (KR/JP/CN) say the same thing as its English one. The words are simple but real; the names of
companies and people are invented (the corpus is synthetic and must not impersonate real applicants).
"""

from __future__ import annotations

from typing import NamedTuple


class Term(NamedTuple):
    """One concept in the four languages of the corpus."""

    en: str
    ko: str
    ja: str
    zh: str


class Method(NamedTuple):
    """An AI method and the priority year around which it was most used (its popularity peak)."""

    term: Term
    peak: int
    spread: float  # years; popularity is a Gaussian bump around `peak`


# Era-dependent methods make keyword trends appear even outside the planted emerging sub-topics.
AI_METHODS: tuple[Method, ...] = (
    Method(Term("artificial neural network", "인공 신경망", "人工ニューラルネットワーク", "人工神经网络"), 2007, 5),
    Method(Term("support vector machine", "서포트 벡터 머신", "サポートベクターマシン", "支持向量机"), 2009, 4),
    Method(Term("genetic algorithm", "유전 알고리즘", "遺伝的アルゴリズム", "遗传算法"), 2007, 4),
    Method(Term("Bayesian network", "베이지안 네트워크", "ベイジアンネットワーク", "贝叶斯网络"), 2010, 4),
    Method(Term("random forest", "랜덤 포레스트", "ランダムフォレスト", "随机森林"), 2014, 4),
    Method(Term("gradient boosting model", "그래디언트 부스팅 모델", "勾配ブースティングモデル", "梯度提升模型"), 2017, 4),
    Method(Term("convolutional neural network", "합성곱 신경망", "畳み込みニューラルネットワーク", "卷积神经网络"), 2019, 4),
    Method(Term("long short-term memory network", "장단기 메모리 신경망", "長短期記憶ネットワーク", "长短期记忆网络"), 2019, 3),
    Method(Term("autoencoder", "오토인코더", "オートエンコーダ", "自编码器"), 2019, 3),
    Method(Term("deep reinforcement learning agent", "심층 강화학습 에이전트", "深層強化学習エージェント", "深度强化学习智能体"), 2021, 3),
    Method(Term("graph neural network", "그래프 신경망", "グラフニューラルネットワーク", "图神经网络"), 2022, 2.5),
    Method(Term("transformer network", "트랜스포머 신경망", "トランスフォーマーネットワーク", "Transformer网络"), 2024, 2.5),
)

# Title heads: (English pattern start, Korean/Japanese/Chinese noun at the end of the native title).
TITLE_NOUNS: tuple[Term, ...] = (
    Term("Apparatus and method", "장치 및 방법", "装置及び方法", "装置及方法"),
    Term("System", "시스템", "システム", "系统"),
    Term("Method", "방법", "方法", "方法"),
    Term("Device", "장치", "装置", "装置"),
)

# Effects named by noise families (the subclass's own effects would make them look relevant).
NOISE_EFFECTS: tuple[Term, ...] = (
    Term("improving accuracy while reducing manual work", "정확도를 높이고 수작업을 줄일 수 있다",
         "精度を高めつつ手作業を削減できる", "在减少人工操作的同时提高准确率"),
    Term("processing large volumes of data automatically", "대량의 데이터를 자동으로 처리할 수 있다",
         "大量のデータを自動的に処理できる", "自动处理大量数据"),
)

# Learning paradigms named by the abstracts; the native words are those of the taxonomy's queries.
LEARNING: dict[str, Term] = {
    "machine learning": Term("machine learning", "기계학습", "機械学習", "机器学习"),
    "deep learning": Term("deep learning", "딥러닝", "深層学習", "深度学习"),
    "artificial intelligence": Term("artificial intelligence", "인공지능", "人工知能", "人工智能"),
}

# The planted emerging keywords (`plan.EMERGING`) as native abstracts name them.
KEYWORDS: dict[str, Term] = {term.en: term for term in (
    Term("diffusion model", "확산 모델", "拡散モデル", "扩散模型"),
    Term("text-to-CAD", "텍스트 기반 CAD 생성", "テキストからのCAD生成", "文本生成CAD"),
    Term("large language model", "대규모 언어 모델", "大規模言語モデル", "大语言模型"),
    Term("vision transformer", "비전 트랜스포머", "ビジョントランスフォーマ", "视觉Transformer"),
    Term("foundation model", "파운데이션 모델", "基盤モデル", "基础模型"),
    Term("zero-shot anomaly detection", "제로샷 이상 탐지", "ゼロショット異常検知", "零样本异常检测"),
    Term("vision-language model", "시각-언어 모델", "視覚言語モデル", "视觉语言模型"),
    Term("imitation learning", "모방 학습", "模倣学習", "模仿学习"),
    Term("retrieval-augmented generation", "검색 증강 생성", "検索拡張生成", "检索增强生成"),
    Term("knowledge graph", "지식 그래프", "知識グラフ", "知识图谱"),
    Term("digital twin", "디지털 트윈", "デジタルツイン", "数字孪生"),
    Term("physics-informed neural network", "물리 정보 신경망", "物理情報ニューラルネットワーク", "物理信息神经网络"),
    Term("transfer learning", "전이 학습", "転移学習", "迁移学习"),
)}

# Sentence openers of the English abstract, chosen per family.
SUBJECTS = ("A method", "An apparatus", "A system", "A computer-implemented method", "A device")

# Learning paradigms that the abstract names explicitly (every search expression looks for one).
LEARNING_OLD = ("machine learning", "artificial intelligence")
LEARNING_NEW = ("deep learning", "machine learning", "artificial intelligence")


class Person(NamedTuple):
    """A person's family name and given name, romanized and in the native script."""

    family: str
    given: str
    family_native: str = ""
    given_native: str = ""


# Romanized family/given names per country, with native script where KIPRIS shows it (Korean).
PEOPLE: dict[str, tuple[tuple[tuple[str, str], ...], tuple[tuple[str, str], ...]]] = {
    "KR": (
        (("KIM", "김"), ("LEE", "이"), ("PARK", "박"), ("CHOI", "최"), ("JUNG", "정"), ("KANG", "강"),
         ("CHO", "조"), ("YOON", "윤"), ("JANG", "장"), ("LIM", "임"), ("HAN", "한"), ("SHIN", "신")),
        (("Min Su", "민수"), ("Ji Hoon", "지훈"), ("Seo Yeon", "서연"), ("Hyun Woo", "현우"),
         ("Ji Won", "지원"), ("Dong Hyun", "동현"), ("Su Bin", "수빈"), ("Ye Jin", "예진"),
         ("Sung Ho", "성호"), ("Hye Jin", "혜진"), ("Jae Young", "재영"), ("Eun Ji", "은지")),
    ),
    "JP": (
        (("SATO", ""), ("SUZUKI", ""), ("TAKAHASHI", ""), ("TANAKA", ""), ("WATANABE", ""),
         ("ITO", ""), ("YAMAMOTO", ""), ("NAKAMURA", ""), ("KOBAYASHI", ""), ("KATO", "")),
        (("Hiroshi", ""), ("Yuki", ""), ("Takeshi", ""), ("Ayaka", ""), ("Kenji", ""),
         ("Misaki", ""), ("Daisuke", ""), ("Naoki", ""), ("Haruka", ""), ("Shota", "")),
    ),
    "CN": (
        (("WANG", ""), ("LI", ""), ("ZHANG", ""), ("LIU", ""), ("CHEN", ""), ("YANG", ""),
         ("ZHAO", ""), ("HUANG", ""), ("ZHOU", ""), ("WU", "")),
        (("Wei", ""), ("Fang", ""), ("Jun", ""), ("Lei", ""), ("Yan", ""), ("Hao", ""),
         ("Jing", ""), ("Ming", ""), ("Xiaoyu", ""), ("Zhiqiang", "")),
    ),
    "US": (
        (("SMITH", ""), ("JOHNSON", ""), ("MILLER", ""), ("GARCIA", ""), ("NGUYEN", ""),
         ("PATEL", ""), ("BROWN", ""), ("DAVIS", ""), ("WILSON", ""), ("ANDERSON", "")),
        (("John", ""), ("Emily", ""), ("Michael", ""), ("Sarah", ""), ("David", ""),
         ("Anna", ""), ("Robert", ""), ("Laura", ""), ("Kevin", ""), ("Priya", "")),
    ),
    "EU": (
        (("MUELLER", ""), ("SCHMIDT", ""), ("SCHNEIDER", ""), ("FISCHER", ""), ("DUBOIS", ""),
         ("ROSSI", ""), ("JANSEN", ""), ("LINDQVIST", ""), ("WEBER", ""), ("MORETTI", "")),
        (("Thomas", ""), ("Anna", ""), ("Stefan", ""), ("Julia", ""), ("Marc", ""),
         ("Elena", ""), ("Jan", ""), ("Sofia", ""), ("Lukas", ""), ("Claire", "")),
    ),
}

# Company name parts per country: (romanized stem, native stem) and (English suffix, native suffix).
COMPANY_STEMS: dict[str, tuple[tuple[str, str], ...]] = {
    "KR": (("HANBIT", "한빛"), ("DAESUNG", "대성"), ("SEJIN", "세진"), ("MIRAE", "미래"),
           ("NURI", "누리"), ("GAON", "가온"), ("HANUL", "한울"), ("SAESOL", "새솔"),
           ("DAON", "다온"), ("ONNURI", "온누리"), ("SEOHAE", "서해"), ("BORAM", "보람")),
    "JP": (("YAMATO", "大和"), ("SAKURA", "桜"), ("FUJIMI", "富士見"), ("KITAHAMA", "北浜"),
           ("TAKANE", "高嶺"), ("MINATO", "港"), ("AOBA", "青葉"), ("HIKARI", "光")),
    "CN": (("HUAXIN", "华芯"), ("ZHONGKE", "中科"), ("TIANYU", "天宇"), ("JINGCHENG", "精诚"),
           ("HONGTU", "宏图"), ("XINGHE", "星河"), ("LONGTENG", "龙腾"), ("HAIRUI", "海瑞")),
    "US": (("NORTHGATE", ""), ("BLUE RIDGE", ""), ("IRONWOOD", ""), ("SUMMIT", ""),
           ("LAKESIDE", ""), ("REDWOOD", ""), ("GRANITE", ""), ("CASCADE", "")),
    "EU": (("RHEINWERK", ""), ("ALPENTEC", ""), ("NORDSTERN", ""), ("BODENSEE", ""),
           ("ELBTAL", ""), ("LUMIERE", ""), ("POLDER", ""), ("FJORD", "")),
}

COMPANY_SUFFIXES: dict[str, tuple[tuple[str, str], ...]] = {
    "KR": (("ROBOTICS CO., LTD.", "로보틱스 주식회사"), ("PRECISION CO., LTD.", "정밀 주식회사"),
           ("ELECTRONICS CO., LTD.", "전자 주식회사"), ("SYSTEMS CO., LTD.", "시스템즈 주식회사"),
           ("INDUSTRIES CO., LTD.", "산업 주식회사"), ("AUTOMATION INC.", "오토메이션 주식회사"),
           ("UNIVERSITY INDUSTRY-ACADEMIC COOPERATION FOUNDATION", "대학교 산학협력단")),
    "JP": (("ELECTRIC CORPORATION", "電機株式会社"), ("SEIKI CO., LTD.", "精機株式会社"),
           ("MACHINERY CO., LTD.", "機械株式会社"), ("SYSTEMS CORPORATION", "システムズ株式会社")),
    "CN": (("INTELLIGENT TECHNOLOGY CO., LTD.", "智能科技有限公司"),
           ("AUTOMATION CO., LTD.", "自动化有限公司"), ("ROBOT CO., LTD.", "机器人有限公司"),
           ("UNIVERSITY OF TECHNOLOGY", "理工大学")),
    "US": (("AUTOMATION INC.", ""), ("ROBOTICS CORP.", ""), ("TECHNOLOGIES LLC", ""),
           ("SYSTEMS INC.", ""), ("ANALYTICS INC.", ""), ("INDUSTRIAL AI, INC.", "")),
    "EU": (("GMBH", ""), ("AG", ""), ("SE", ""), ("S.A.", ""), ("B.V.", ""), ("AB", "")),
}

# Applicant countries of European-origin families; DE files first in DE or at the EPO.
EUROPEAN_COUNTRIES = ("DE", "DE", "DE", "FR", "NL", "SE", "IT", "CH", "FI")

# Country names as KIPRIS writes them (`roadmap_pipeline.lib.countries` maps them back).
KOREAN_COUNTRY_NAMES = {
    "KR": "대한민국", "US": "미국", "JP": "일본", "CN": "중국", "DE": "독일", "FR": "프랑스",
    "NL": "네덜란드", "SE": "스웨덴", "IT": "이탈리아", "CH": "스위스", "FI": "핀란드",
    "EP": "유럽특허청",
}

# US cities per applicant country for USPTO address blocks.
CITIES = {
    "KR": ("Seoul", "Suwon-si", "Daejeon", "Changwon-si"), "JP": ("Tokyo", "Osaka", "Nagoya"),
    "CN": ("Beijing", "Shenzhen", "Shanghai", "Hangzhou"), "US": ("San Jose", "Austin", "Pittsburgh"),
    "DE": ("Stuttgart", "Munich"), "FR": ("Lyon", "Grenoble"), "NL": ("Eindhoven",),
    "SE": ("Gothenburg",), "IT": ("Turin",), "CH": ("Zurich",), "FI": ("Espoo",),
}
