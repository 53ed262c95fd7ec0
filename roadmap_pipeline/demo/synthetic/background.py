"""Background families: inventions outside the taxonomy, as the bulk of a real office dump.

An office's bulk data holds every field of technology; a taxonomy's search expressions select a
small share of it. `generate_corpus(..., background_share=s)` makes that share of families come from
the fields below: ordinary engineering without any learning method, so that they hit no subclass
query and reach no screening, and are parsed, de-duplicated and counted like every other family.

Whether a family is background is drawn from its own stream (seed, index, "background"), so the
taxonomy families of a corpus with background are the families of the same indices without it.
Background families are never native-only (`families`): their fields' words are in English only,
with Korean, Japanese and Chinese titles and a Korean abstract for the KIPRIS records.
"""

from __future__ import annotations

import random

from roadmap_pipeline.demo.synthetic.lexicon import SUBJECTS, TITLE_NOUNS, Term
from roadmap_pipeline.demo.synthetic.texts import Texts, article
from roadmap_pipeline.demo.synthetic.topics import Topic

T = Term

FIELDS: tuple[Topic, ...] = (
    Topic("background_battery_electrode",
          T("electrode coating", "전극 코팅", "電極塗工", "电极涂布"),
          ("slurry viscosity", "coating thickness", "drying temperature"),
          ("binder distribution", "porosity"),
          ("electrode sheet", "coated current collector"),
          "집전체 위에 활물질 슬러리를 균일하게 도포하여 전극을 형성한다",
          ("H01M4/04", "H01M4/139", "H01M10/0525"), ("H01M4/04", "H01M4/139"),
          objects=(T("lithium secondary battery", "리튬 이차전지", "リチウム二次電池", "锂二次电池"),
                   T("solid-state battery cell", "전고체 전지 셀", "全固体電池セル", "全固态电池单元"))),
    Topic("background_wafer_packaging",
          T("chip packaging", "칩 패키징", "チップパッケージング", "芯片封装"),
          ("bump pitch", "underfill flow", "mould compound thickness"),
          ("warpage", "thermal resistance"),
          ("semiconductor package", "interposer structure"),
          "반도체 칩을 기판에 실장하고 봉지재로 밀봉하는 패키지 구조를 제공한다",
          ("H01L23/31", "H01L21/56", "H01L25/065"), ("H01L23/31", "H01L21/56"),
          objects=(T("memory die stack", "메모리 다이 적층체", "メモリダイ積層体", "存储芯片堆叠"),
                   T("power semiconductor module", "전력 반도체 모듈", "パワー半導体モジュール", "功率半导体模块"))),
    Topic("background_display_panel",
          T("pixel driving", "화소 구동", "画素駆動", "像素驱动"),
          ("gate signals", "data voltages", "emission control signals"),
          ("threshold voltage compensation", "luminance uniformity"),
          ("display panel", "pixel circuit"),
          "화소 회로의 문턱전압 편차를 보상하여 휘도 균일성을 높인다",
          ("G09G3/3233", "H10K59/121", "G09G3/32"), ("G09G3/3233", "H10K59/12"),
          objects=(T("organic light-emitting display", "유기발광 표시장치", "有機EL表示装置", "有机发光显示装置"),
                   T("flexible display device", "플렉서블 표시장치", "フレキシブル表示装置", "柔性显示装置"))),
    Topic("background_vehicle_brake",
          T("brake control", "제동 제어", "制動制御", "制动控制"),
          ("wheel speed", "pedal stroke", "hydraulic pressure"),
          ("slip ratio", "braking force distribution"),
          ("braking torque", "valve command"),
          "바퀴 속도와 유압을 이용하여 제동력을 각 바퀴에 분배한다",
          ("B60T8/17", "B60T13/74", "B60T8/1755"), ("B60T8/17", "B60T13/74"),
          objects=(T("electric vehicle", "전기 자동차", "電気自動車", "电动汽车"),
                   T("commercial truck", "상용 트럭", "商用トラック", "商用卡车"))),
    Topic("background_antenna",
          T("antenna feeding", "안테나 급전", "アンテナ給電", "天线馈电"),
          ("feed line impedance", "radiator spacing", "ground plane size"),
          ("radiation pattern", "bandwidth"),
          ("antenna module", "array element layout"),
          "방사체 간격과 급전 구조를 조절하여 대역폭을 넓힌다",
          ("H01Q1/24", "H01Q21/06", "H01Q9/04"), ("H01Q1/24", "H01Q21/06"),
          objects=(T("mobile terminal", "이동 단말기", "携帯端末", "移动终端"),
                   T("base station", "기지국", "基地局", "基站"))),
    Topic("background_drug_formulation",
          T("sustained release formulation", "서방형 제제", "徐放性製剤", "缓释制剂"),
          ("polymer ratio", "particle size", "dissolution profiles"),
          ("release rate", "stability"),
          ("oral tablet", "coated granule"),
          "고분자 코팅으로 유효성분의 방출 속도를 조절하는 제제를 제공한다",
          ("A61K9/20", "A61K9/50", "A61K47/32"), ("A61K9/20", "A61K9/50"),
          objects=(T("pharmaceutical composition", "약학 조성물", "医薬組成物", "药物组合物"),
                   T("capsule preparation", "캡슐 제제", "カプセル製剤", "胶囊制剂"))),
    Topic("background_concrete",
          T("precast assembly", "프리캐스트 조립", "プレキャスト組立", "预制装配"),
          ("rebar arrangement", "joint geometry", "grout strength"),
          ("load path", "joint stiffness"),
          ("wall panel", "connection detail"),
          "프리캐스트 부재의 접합부를 보강하여 조립식 구조물의 강성을 높인다",
          ("E04B1/04", "E04B1/41", "E04G21/14"), ("E04B1/04", "E04B1/41"),
          objects=(T("apartment building", "공동주택", "集合住宅", "住宅楼"),
                   T("bridge deck", "교량 상판", "橋梁床版", "桥面板"))),
    Topic("background_food_packaging",
          T("barrier packaging", "차단성 포장", "バリア包装", "阻隔包装"),
          ("film layers", "oxygen transmission", "seal strength"),
          ("barrier performance", "shelf life"),
          ("packaging film", "sealed container"),
          "다층 필름으로 산소 투과를 줄여 식품의 유통기한을 늘린다",
          ("B65D65/40", "B32B27/08", "B65D81/24"), ("B65D65/40", "B32B27/08"),
          objects=(T("ready meal tray", "즉석식품 용기", "調理済み食品トレー", "即食食品托盘"),
                   T("coffee capsule", "커피 캡슐", "コーヒーカプセル", "咖啡胶囊"))),
)

_EFFECTS = ("reducing cost", "improving durability", "simplifying assembly", "lowering energy consumption")
_EFFECT_KO = "비용을 줄이고 내구성을 높일 수 있다"


def is_background(seed: int, index: int, share: float) -> bool:
    """Whether family `index` lies outside the taxonomy (its own stream, apart from the family's)."""
    return share > 0 and random.Random(f"{seed}:{index}:background").random() < share


def compose(rng: random.Random, field: Topic) -> Texts:
    """Title and abstracts of a background family: its field's words, no learning method."""
    obj: Term = rng.choice(field.objects)
    noun: Term = rng.choice(TITLE_NOUNS)
    task = field.task
    title_en = f"{noun.en} for {task.en} of {article(obj.en)}"
    title_ko = f"{obj.ko}의 {task.ko} {noun.ko}"
    title_ja = f"{obj.ja}の{task.ja}{noun.ja}"
    title_zh = f"{obj.zh}{task.zh}{noun.zh}"
    inputs = rng.sample(field.inputs, 2)
    sentences = [
        f"{rng.choice(SUBJECTS)} for {task.en} of {article(obj.en)} is disclosed.",
        f"The {inputs[0]} and the {inputs[1]} are set so that the {rng.choice(field.features)} stays within "
        f"a predetermined range.",
        f"The resulting {rng.choice(field.outputs)} is manufactured in fewer steps, thereby {rng.choice(_EFFECTS)}.",
    ]
    abstract_ko = f"본 발명은 {title_ko}에 관한 것이다. {field.summary_ko}. 이에 따라 {_EFFECT_KO}."
    # Background families always reach DOCDB in English: no Japanese or Chinese abstract is needed.
    return Texts(title_en, title_ko, title_ja, title_zh, " ".join(sentences), abstract_ko, "", "", "", ())
