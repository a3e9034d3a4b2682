"""The compiled segmenter (``reportlab_analysis._segment``, backend ``"native"``) gives jieba's tokens exactly.

jieba 0.42.1 itself is the oracle: every paragraph and every whole report of both bundled corpora, random
strings built from the characters where jieba's rules change (block characters, "\\r\\n", Han characters just
past U+9FD5, astral and private-use characters), and custom dictionaries with repeated and zero-frequency words.
"""

from __future__ import annotations

import logging
import shutil
import sys
import sysconfig
import warnings
from pathlib import Path

import jieba
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import reportlab_analysis
from reportlab_analysis import tokenize as tk
from reportlab_analysis.tokenize import Tokenizer

jieba.setLogLevel(logging.WARNING)
PLAIN = dict(general_stopwords=False, report_stopwords=False, min_len=1, numbers="keep")


def _has_c_compiler() -> bool:
    compiler = (sysconfig.get_config_var("CC") or "cc").split()[0]
    return shutil.which(compiler) is not None


@pytest.fixture(scope="module")
def segmenter():
    """The compiled segmenter on jieba's dictionary. Skipped only where no C compiler could have built it."""
    try:
        from reportlab_analysis import _segment  # noqa: F401
    except ImportError:
        if _has_c_compiler():
            pytest.fail("a C compiler is present but reportlab_analysis._segment was not built (see setup.py)")
        pytest.skip("no C compiler on this machine: the native backend falls back to jieba")
    return tk._native_segmenter(None)


@pytest.fixture(scope="module")
def jieba_engine(tmp_path_factory):
    engine = jieba.Tokenizer()
    engine.tmp_dir = str(tmp_path_factory.mktemp("jieba"))
    engine.initialize()
    return engine


@pytest.fixture(scope="module")
def corpus_texts(seed_corpus, national_corpus) -> list[str]:
    """Every paragraph (appendix included) and every whole report text of both corpora."""
    texts: list[str] = []
    for corpus in (seed_corpus, national_corpus):
        texts += corpus.paragraphs(include_appendix=True)["text"].tolist()
        texts += corpus.reports["text"].tolist()
    return texts


@pytest.mark.parametrize("hmm", [True, False])
def test_same_tokens_as_jieba_on_the_bundled_corpora(segmenter, jieba_engine, corpus_texts, hmm: bool) -> None:
    assert len(corpus_texts) > 6000 and sum(map(len, corpus_texts)) > 2_000_000
    mismatched = [text[:40] for text in corpus_texts if segmenter.cut(text, hmm) != jieba_engine.lcut(text, HMM=hmm)]
    assert mismatched == []


# Characters where jieba's rules turn: block characters (Han up to U+9FD5, ASCII letters and digits, +#&._%-),
# characters just outside (U+9FD6, full-width digits, Latin-1 letters), whitespace and "\r\n", punctuation,
# astral and private-use characters, and frequent words so that the dictionary and the HMM both get work.
_ALPHABET = list("的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处理府研质酉给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风切打白教速花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连断深难近矿千周委素技备半办青省列习响约支般史感劳便团往酸历市克何除消构府称太准精值号率族维划选标写存候毛亲快效斯院查江型眼王按格养易置派层片始却专状育厂京识适属圆包火住调满县局照参红细引听该铁价严首底液官德随病苏失尔死讲配女黄推显谈罪神艺呢席含企望密批营项防举球英氧势告李台落木帮轮破亚师围注远字材排供河态封另施减树溶怎止案言士均武固叶鱼波视仅费紧爱左章早朝害续轻服试食充兵源判护司足某练差致板田降黑犯负击范继兴似余坚曲输修故城夫够送笔船占右财吃富春职觉汉画功巴跟虽杂飞检吸助升阳互初创抗考投坏策古径换未跑留钢曾端责站简述钱副尽帝射草冲承独令限阿宣环双请超微让控州良轴找否纪益依优顶础载倒房突坐粉敌略客袁冷胜绝析块剂测丝协诉念陈仍罗盐友洋错苦夜刑移频逐靠混母短皮终聚汽村云哪既距卫停烈央察烧迅境若印洲刻括激孔搞甚室待核校散侵吧甲游久菜味旧模湖货损预阻毫普稳乙妈植息扩银语挥酒守拿序纸医缺雨吗针刘啊急唱误训愿审附获茶鲜粮斤孩脱硫肥善龙演父渐血欢械掌歌沙刚攻谓盾讨晚粒乱燃矛乎杀药宁鲁贵钟煤读班伯香介迫句丰培握兰担弦蛋沉假穿执答乐谁顺烟缩征脸喜松脚困异免背星福买染井概慢怕磁倍祖皇促静补评翻肉践尼衣宽扬棉希伤操垂秋宜氢套督振架亮末宪庆编牛触映雷销诗座居抓裂胞呼娘景威绿晶厚盟衡鸡孙延危胶屋乡临陆顾掉呀灯岁措束耐剧玉赵跳哥季课凯胡额款绍卷齐伟蒸殖永宗苗川炉岩弱零杨奏沿露杆探滑镇饭浓航怀赶库夺伊灵税途灭赛归召鼓播盘裁险康唯录菌纯借糖盖横符私努堂域枪润幅哈竟熟虫泽脑壤碳欧遍侧寨敢彻虑斜薄庭纳弹饲伸折麦湿暗荷瓦塞床筑恶户访塔奇透梁刀旋迹卡氯遇份毒泥退洗摆灰彩卖耗夏择忙铜献硬予繁圈雪函亦抽篇阵阴丁尺追堆雄迎泛爸楼避谋吨野猪旗累偏典馆索秦脂潮爷豆忽托惊塑遗愈朱替纤粗倾尚痛楚谢奋购磨君池旁碎骨监捕弟暴割贯殊释词亡壁顿宝午尘闻揭炮残冬桥妇警综招吴付浮遭徐您摇谷赞箱隔订男吹园纷唐败宋玻巨耕坦荣闭湾键凡驻锅救恩剥凝碱齿截炼麻纺禁废盛版缓净睛昌婚涉筒嘴插岸朗庄街藏姑贸腐奴啦惯乘伙恢匀纱扎辩耳彪臣亿璃抵脉秀萨俄网舞店喷纵寸汗挂洪贺闪柬爆烯津稻墙软勇像滚厘蒙芳肯坡柱荡腿仪旅尾轧冰贡登黎削钻勒逃障氨郭峰币港伏轨亩毕擦莫刺浪秘援株健售股岛甘泡睡童铸汤阀休汇舍牧绕炸哲磷绩朋淡尖启陷柴呈徒颜泪稍忘泵蓝拖洞授镜辛壮锋贫虚弯摩泰幼廷尊窗纲弄隶疑氏宫姐震瑞怪尤琴循描膜违夹腰缘珠穷森枝竹沟催绳忆邦剩幸浆栏拥牙贮礼滤钠纹罢拍咱喊袖埃勤罚焦潜伍墨欲缝姓刊饱仿奖铝鬼丽跨默挖链扫喝袋炭污幕诸弧励梅奶洁灾舟鉴苯讼抱毁懂寒智埔寄届跃渡挑丹艰贝碰拔爹戴码梦芽熔赤渔哭敬颗奔铅仲虎稀妹乏珍申桌遵允隆螺仓魏锐晓氮兼隐碍赫拨忠肃缸牵抢博巧壳兄杜讯诚碧祥柯页巡矩悲灌龄伦票寻桂铺圣恐恰郑趣抬荒腾贴柔滴猛阔辆妻填撤储签闹扰紫砂递戏吊陶伐喂疗瓶婆抚臂摸忍虾蜡邻胸巩挤偶弃槽劲乳邓吉仁烂砖租乌舰伴瓜浅丙暂燥橡柳迷暖牌秧胆详簧踏瓷谱呆宾糊洛辉愤竞隙怒粘乃绪肩籍敏涂熙皆侦悬掘享纠醒狂锁淀恨牲霸爬赏逆玩陵祝秒浙貌役彼悉鸭趋凤晨畜辈秩卵署梯炎滩棋驱筛峡冒啥寿译浸泉帽迟硅疆贷漏稿冠嫩胁芯牢叛蚀奥鸣岭羊凭串塘绘酵融盆锡庙筹冻辅摄袭筋拒僚旱钾鸟漆沈眉疏添棒穗硝韩逼扭侨凉挺碗栽炒杯患馏劝豪辽勃鸿旦吏拜狗埋辊掩饮搬骂辞勾扣估蒋绒雾丈朵姆拟宇辑陕雕偿蓄崇剪倡厅咬驶薯刷斥番赋奉佛浇漫曼扇钙桃扶仔返俗亏腔鞋棱覆框悄叔撞骗勘旺沸孤吐孟渠屈疾妙惜仰狠胀谐抛霉桑岗嘛衰盗渗脏赖涌甜曹阅肌哩厉烃纬毅昨伪症煮叹钉搭茎笼酷偷弓锥恒杰坑鼻翼纶叙狱逮罐络棚抑膨蔬寺骤穆冶枯册尸凸绅坯牺焰轰欣晋瘦御锭锦丧旬锻垄搜扑邀亭酯迈舒脆酶闲忧酚顽羽涨卸仗陪辟惩杭姚肚捉飘漂昆欺吾郎烷汁呵饰萧雅邮迁燕撒姻赴宴烦债帐斑铃旨醇董饼雏姿拌傅腹妥揉贤拆歪葡胺丢浩徽昂垫挡览贪慰缴汪慌冯诺姜谊凶劣诬耀昏躺盈骑乔溪丛卢抹闷咨刮驾缆悟摘铒掷颇幻柄惠惨佳仇腊窝涤剑瞧堡泼葱罩霍捞胎苍滨俩捅湘砍霞邵萄疯淮遂熊粪烘宿档戈驳嫂裕徙箭捐肠撑晒辨殿莲摊搅酱屏疫哀蔡堵沫皱畅叠阁莱敲辖钩痕坝巷饿祸丘玄溜曰逻彭尝卿妨艇吞韦怨矮歇鿖鿗鿘𠀀𠀁"
                 "abcABZxyz0123456789+#&._%-,，。、；：“”（）《》！？…—·/\\@$ \t\n\r\u3000\xa0\ue000\U000f0000１２ＡéüΩ")


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_ALPHABET), max_size=60).map("".join) | st.sampled_from(["\r\n", "a.5%", "1.2.3%", "x.%", "._-", "鿖的"]))
def test_same_tokens_as_jieba_on_any_text(segmenter, jieba_engine, text: str) -> None:
    for hmm in (True, False):
        assert segmenter.cut(text, hmm) == jieba_engine.lcut(text, HMM=hmm)


def test_tricky_spots_by_hand(segmenter, jieba_engine) -> None:
    """Places where jieba's regular expressions decide, each checked against jieba and against the expected split."""
    cases = {
        "增长6.5%和3.2.1%": None,       # HMM run: [a-zA-Z0-9]+(?:\.\d+)?%? keeps 6.5% whole
        "行\r\n政\n区": ["行", "\r\n", "政", "\n", "区"],  # "\r\n" is one token, other whitespace one each
        "C++和C#语言": None,
        "鿖鿗龥": None,                   # U+9FD6 and after are outside jieba's Han range: one token each
        "𠀀乡村振兴": None,
        "": [],
    }
    for text, expected in cases.items():
        tokens = segmenter.cut(text)
        assert tokens == jieba_engine.lcut(text), text
        if expected is not None:
            assert tokens == expected
    assert "6.5%" in segmenter.cut("增长6.5%和3.2.1%")
    assert segmenter.cut("鿖鿗")[:2] == ["鿖", "鿗"]


def test_custom_dictionary_read_as_jieba_reads_it(tmp_path: Path, jieba_engine) -> None:
    """A repeated word takes its last frequency, a zero frequency makes no word, tags are ignored."""
    dictionary = tmp_path / "mini.txt"
    dictionary.write_text("乡村 500 n\n振兴 400 v\n乡村振兴 10\n乡村振兴 0\n营商环境 300 n\n营商 50\n环境 60 n\n"
                          "南岗区 80 ns\n南岗 90\n区 20\n", encoding="utf-8")
    texts = ["南岗区推进乡村振兴，优化营商环境。", "乡村振兴南岗", "Hello 2024 世界"]
    native = Tokenizer(backend="native", dictionary=dictionary, cache=False, policy_lexicon=False, **PLAIN)
    reference = Tokenizer(backend="jieba", dictionary=dictionary, cache=False, policy_lexicon=False, **PLAIN)
    assert native.tokenize(texts) == reference.tokenize(texts)
    assert "乡村振兴" not in native.tokenize_text(texts[1])  # its later entry has frequency 0
    engine = jieba.Tokenizer(dictionary=str(dictionary))
    engine.tmp_dir = str(tmp_path)
    engine.initialize()
    words, freqs, _ = tk._read_dictionary(str(dictionary))
    assert sum(freqs) == engine.total
    assert {w: f for w, f in zip(words, freqs)} == {w: f for w, f in engine.FREQ.items() if w in set(words)}


def test_jiebas_dictionary_is_read_exactly(jieba_engine) -> None:
    words, freqs, tags = tk._read_dictionary(tk._jieba_dictionary_path())
    assert len(words) == len(tags) > 340_000 and all(tags) and sum(freqs) == jieba_engine.total
    read = dict(zip(words, freqs))
    assert {w: f for w, f in jieba_engine.FREQ.items() if f} == {w: f for w, f in read.items() if f}


@pytest.mark.parametrize("backend", ["native", "jieba", "rjieba"])
def test_every_backend_reads_a_dictionary_file_alike(tmp_path: Path, backend: str) -> None:
    """A BOM, CRLF, tabs, blank lines and comments are read the same by every backend (jieba itself would keep the
    BOM in the first word); bad frequencies are errors naming the file and line, shown as text."""
    dictionary = tmp_path / "mine.txt"
    dictionary.write_bytes("\ufeff研究生命 99999999 n\r\n# 注释\r\n\r\n起源\t500\tn\r\n研究 800\r\n".encode("utf-8"))
    tokens = Tokenizer(backend=backend, dictionary=dictionary, cache=False, policy_lexicon=False, **PLAIN)
    assert tokens.tokenize_text("研究生命起源") == ["研究生命", "起源"]
    for content, problem in (("乡村 5\n振兴 -5\n", r"line 2: .*'振兴 -5'"), ("乡村 5\n振兴 1.5 n\n", r"line 2"),
                             ("乡村 99999999999999999999\n", r"line 1: .*below 10\*\*18"), ("乡村\n", r"line 1"),
                             ("乡村 0\n振兴 0\n", r"add up to 0"), ("", r"add up to 0")):
        bad = tmp_path / "bad.txt"
        bad.write_text(content, encoding="utf-8")
        with pytest.raises(ValueError, match=rf"dictionary .*bad\.txt.*{problem}"):
            Tokenizer(backend=backend, dictionary=bad, cache=False, policy_lexicon=False).tokenize(["乡村振兴"])


def test_cut_filtered_checks_its_arguments(segmenter) -> None:
    cache = [None] * segmenter.node_count
    with pytest.raises(ValueError, match="node_count"):
        segmenter.cut_filtered("乡村", True, {}, [None], "\ue000")
    with pytest.raises(ValueError, match="one character"):
        segmenter.cut_filtered("乡村", True, {}, cache, "ab")
    with pytest.raises(TypeError, match="must map to str"):
        segmenter.cut_filtered("乡村", True, {"乡村": 1}, cache, "\ue000")
    with pytest.raises(KeyError):
        segmenter.cut_filtered("乡村", True, {}, cache, "\ue000")
    with pytest.raises(TypeError, match="text must be str"):
        segmenter.cut(b"bytes")
    # The memo decides, "" drops, the separator splits: one list per text.
    class Memo(dict):
        def __missing__(self, token: str) -> str:
            return "" if token in ("振兴", "，") else token

    texts = ["推进乡村振兴，", "", "优化营商环境"]
    expected = [[t for t in segmenter.cut(text) if t not in ("振兴", "，")] for text in texts]
    assert expected[0] and expected[2]
    assert segmenter.cut_filtered("\ue000".join(texts), True, Memo(), cache, "\ue000") == expected


def test_tokenizer_on_native_equals_jieba_under_every_filter(seed_corpus) -> None:
    texts = seed_corpus.paragraphs()["text"].tolist()
    for options in (dict(), dict(numbers="normalize"), dict(pos=("n", "v")), dict(hmm=False), PLAIN,
                    dict(place_names=["南岗区", "南岗"], extra_stopwords=["旅游"], keep_words=["进一步"])):
        native = Tokenizer(backend="native", cache=False, **options).tokenize(texts)
        assert native == Tokenizer(backend="jieba", cache=False, **options).tokenize(texts), options
        assert sum(map(len, native)) > 5000


def test_without_the_extension_native_falls_back_to_jieba(monkeypatch, seed_corpus) -> None:
    texts = seed_corpus.paragraphs()["text"].tolist()[:200]
    expected = Tokenizer(backend="jieba", cache=False).tokenize(texts)
    monkeypatch.setitem(sys.modules, "reportlab_analysis._segment", None)  # makes the import fail
    monkeypatch.delattr(reportlab_analysis, "_segment", raising=False)
    for table in ("_SEGMENTERS", "_BACKENDS", "_PIPELINES"):  # nothing loaded yet in this "process"
        monkeypatch.setattr(tk, table, {})
    monkeypatch.setattr(tk, "_WARNED", set())
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        got = Tokenizer(backend="native", cache=False).tokenize(texts)
    assert got == expected
    messages = [str(w.message) for w in caught if issubclass(w.category, RuntimeWarning)]
    assert len(messages) == 1 and "without its compiled segmenter" in messages[0]


def test_the_node_cache_survives_a_memo_that_changes_it(segmenter) -> None:
    """The memo runs Python code between reading a node's slot and filling it: a callback (or another thread)
    that empties the list or fills the slot first must neither crash nor lose references."""
    cache = [None] * segmenter.node_count

    class Shrinking(dict):
        def __missing__(self, token: str) -> str:
            del cache[:]
            return token

    assert segmenter.cut_filtered("乡村振兴", True, Shrinking(), cache, "\ue000") == [["乡村", "振兴"]]
    # A callback that fills every slot first: the slot is left as the callback set it, and over many calls no
    # reference to None is released twice (which would drift the count down by one per call).
    class FillsFirst(dict):
        def __missing__(self, token: str) -> str:
            self["list"][:] = ["已填"] * len(self["list"])
            return token

    drift = []
    for _ in range(40):
        before = sys.getrefcount(None)
        cache = [None] * segmenter.node_count
        assert segmenter.cut_filtered("乡村", True, FillsFirst(list=cache), cache, "\ue000") == [["乡村"]]
        assert set(cache) == {"已填"}
        del cache
        drift.append(sys.getrefcount(None) - before)
    assert drift[1:] == [0] * 39  # (the first call warms up)
    with pytest.raises(TypeError, match="node_cache items must be str or None"):
        segmenter.cut_filtered("".join(segmenter.cut("乡村振兴")), True, {}, [12345] * segmenter.node_count, "\ue000")


def test_a_failed_build_leaves_no_half_built_segmenter() -> None:
    module = pytest.importorskip("reportlab_analysis._segment")
    segmenter = module.Segmenter.__new__(module.Segmenter)
    with pytest.raises(TypeError, match="frequencies must be int"):
        segmenter.__init__(["乡村", "振兴"], [5, "x"], 10, [0.0] * 4, [0.0] * 16, {})
    with pytest.raises(RuntimeError, match="not initialised"):
        segmenter.cut("乡村振兴")
    with pytest.raises(ValueError, match="negative frequency"):
        segmenter.__init__(["乡村"], [-5], 10, [0.0] * 4, [0.0] * 16, {})
    segmenter.__init__(["乡村", "振兴"], [5, 5], 10, [0.0] * 4, [0.0] * 16, {})  # a later build may succeed
    assert segmenter.cut("乡村振兴", False) == ["乡村", "振兴"]
