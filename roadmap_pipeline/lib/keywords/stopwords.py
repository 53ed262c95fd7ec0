"""Stop lists for patent keywords: common words and the boilerplate of patent drafting.

Boilerplate words say nothing about a technology ("method", "wherein", 장치, 상기, 装置, 本发明) but are among
the most frequent words of every claim and abstract, so left in they would dominate every cluster
label. The lists are plain frozensets so that a caller can extend them
(``ENGLISH_STOP_WORDS | {"robot"}``) and pass the result to the tokenizers.
"""

from __future__ import annotations

# Function words and very common English words.
COMMON_ENGLISH = frozenset(
    """
    a about above across after again against all almost along already also although always am
    among an and another any anyhow anyone anything anywhere are around as at be became because
    become becomes been before being below beside besides between beyond both but by can cannot
    could did do does doing done down during each either else elsewhere enough etc even ever every
    everything few for from further furthermore had has have having he hence her here hers herself
    him himself his how however i if in inside instead into is it its itself just last less like
    made make makes many may me might more moreover most mostly much must my myself neither never
    nevertheless next no nor not now of off often on once only onto or other others otherwise our
    ours ourselves out over own per perhaps rather same several shall she should since so some
    something sometimes still such than that the their theirs them themselves then there thereby
    therefore these they this those though through throughout thus to together too toward towards
    under unless until up upon us very via was we well were what whatever when whenever where
    whereas whereby wherever whether which while who whoever whole whom whose why will with within
    without would yet you your yours yourself yourselves
    """.split()
)

# Words of patent drafting that every abstract and claim uses regardless of its subject.
PATENT_BOILERPLATE_ENGLISH = frozenset(
    """
    method methods system systems apparatus apparatuses device devices comprising comprises
    comprise comprised including include includes included wherein whereby said thereof therein
    thereto therefrom herein plurality configured provided provide provides providing invention
    inventions embodiment embodiments disclosed disclosure disclose discloses described describes
    describe claim claims claimed first second third least one two three based unit units using
    use used uses means having associated corresponding respective respectively particular
    accordance according further given present various example examples may also
    operable adapted capable portion part parts generally substantially predetermined relate
    relates related relating receive receives received receiving generate generates generated
    generating determine determines determined determining obtain obtains obtained obtaining
    perform performs performed performing
    """.split()
)

# USPTO full text writes subscripts and superscripts as ".sub." and ".sup." (``W.sub.ij``).
USPTO_MARKUP = frozenset({"sub", "sup"})

ENGLISH_STOP_WORDS = COMMON_ENGLISH | PATENT_BOILERPLATE_ENGLISH | USPTO_MARKUP

# Multi-word boilerplate removed before tokens are formed, so that neither the phrase nor its
# words (e.g. "art" of "prior art", "media" of the claim formula of software patents) become
# keywords. Matched on the lower-cased text, so plural forms are listed.
ENGLISH_STOP_PHRASES = (
    "present invention",
    "present disclosure",
    "present application",
    "prior art",
    "computer programs encoded on computer storage media",
    "computer program product",
    "computer program products",
    "computer readable medium",
    "computer-readable medium",
    "computer readable media",
    "computer-readable media",
    "computer storage media",
    "non-transitory",
    "et al",
    "so as to",
    "in order to",
)

# Nouns of Korean patent drafting (as kiwipiepy segments them, suffixes joined to their noun).
KOREAN_STOP_WORDS = frozenset(
    """
    방법 장치 시스템 포함 단계 상기 발명 본원 실시 실시예 일실시예 구성 구성요소 이용 사용 수행
    제공 특징 기술 분야 개시 관련 해당 각각 복수 하나 경우 부분 부재 유닛 기반 형태 대상 과정
    수단 결과 정도 구비 가능 적용 동안 통해 것 수 등 및 또는 부 제 측 후 전 내 외 간 상 하 중
    때 곳 점 바 개 번 본 그 이 저 여기 다음 하기
    청구항 청구 도면 예 일 상세 설명 목적 효과 과제 해결
    """.split()
)

# Nouns of Japanese patent drafting, in SudachiPy's normalized forms (short units).
JAPANESE_STOP_WORDS = frozenset(
    """
    発明 本発明 方法 装置 システム 手段 工程 ステップ 段階 部 部材 ユニット 実施 形態 実施形態 実施例 構成
    提供 課題 解決 効果 目的 技術 分野 開示 記載 請求 請求項 図 図面 場合 際 ため 等 他 各 複数 一 二
    前記 当該 上記 以下 以上 所定 対象 一方 他方 少なくとも 可能 使用 利用 備える 含む 有する 関する
    もの こと とき ところ よう 上 下 中 内 外 前 後 間 側 時 点 数 量 値 種 例 本 第 任意 なし 無し 重
    """.split()
)

# Words of Chinese patent drafting, as jieba segments them.
CHINESE_STOP_WORDS = frozenset(
    """
    本发明 发明 本实用新型 实用新型 公开 涉及 包括 包含 提供 采用 用于 进行 得到 具有 所述 实现 通过
    方法 装置 系统 设备 步骤 模块 单元 部件 技术 领域 实施例 实施 使用 利用 基于 获取 确定 根据
    一种 其中 以及 能够 可以 有效 相应 对应 所述的 如下 以下 上述 该 其 多个 至少 第一 第二 用来
    解决 问题 目的 效果 优点 特征 方案 结构 权利 要求 权利要求 附图 示意图 具体 主要 属于 作为
    """.split()
)
