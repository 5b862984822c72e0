"""Build ``rules/lexicon/cmekg_drugs.tsv`` and ``cmekg_diseases.tsv`` from PyCMeKG (MIT).

PyCMeKG (``pip install PyCMeKG``) ships the CMeKG medical knowledge graph as a pickled dict of
subject → predicate → values. This script is the only place it is read; medie ships and reads the
TSV files it writes. Every line records its source as ``cmekg:<subject>``.

- **Drugs**: subjects with drug predicates (成份, 适应症, OTC类型, 通用名, …) and the herbal medicines;
  the term is the subject without a trailing bracketed variant (``（II）``); aliases are its
  通用名, 商品名 and 别称 values; the canonical name is the first English name (英文名). Each Western
  product name also yields its **active ingredient** as a concept of its own, by removing the salt
  and the dosage form (``盐酸罗格列酮片`` → ``罗格列酮``, canonical ``rosiglitazone``); products of
  traditional medicine (分类 中成药, a pinyin English name) do not, since their names are effects
  or symptoms with a dosage form (``止咳糖浆``). Two-character brand names and aliases are left
  out (most are everyday words: ``可由``, ``管通``); two-character herbs are kept (``三七``).
- **Ingredients** named in the 成份 of at least two Western products (``咖啡因``, ``马来酸氯苯那敏``,
  and names with a letter-and-number designation such as ``维生素B12``, where other digits mean a dose)
  become concepts too, except excipients, solvents, preservatives and colourants
  (:data:`EXCIPIENT`) and classes (``维生素``, ``氨基酸``).
- **Diseases**: subjects with disease predicates (常见症状, 就诊科室, ICD10, …); aliases from 别称 and
  又称; canonical from 英文名称; ICD-10 codes in the ``codes`` column (``ICD10:I50.0``). Subjects
  that the graph mostly uses as symptoms of other diseases and that carry no disease word
  (``头痛``) are left out: medie's DISEASE excludes symptoms. Names the graph gives at least twice as a
  disease's related disease, complication or differential but has no entry for (``消化性溃疡``) become
  concepts too (:func:`related_diseases`).
- Everyday foods that the graph lists with medicinal properties (:data:`FOODS`: ``木耳``, ``牛肉``,
  ``辣椒`` …) are not drugs; herbs used mainly as medicine (``百合``, ``莲子``, ``生姜``) stay. Nor are
  substances of the body that texts name as what is measured (:data:`BODY_SUBSTANCES`: ``胆固醇``).
- **Treatments and interactions**: names given at least twice as a disease's 药物治疗 or in a drug's
  药物相互作用 become concepts when they look like a drug's name (:func:`treatment_drugs`).
  A name the graph also gives as a symptom is left out only when it does so at least as often as it
  gives it as an ingredient or a treatment.
- Left out everywhere: forms already in the hand-written lexicons (those are kept as they are),
  drug-class names (``medie.corpus.external.is_drug_class`` and every 分类 value of the graph),
  forms the graph uses as a symptom, an effect (功效, 主治) or a disease, forms with sentence
  punctuation, and forms shorter than 2 characters.

    python scripts/build_cmekg_lexicon.py
"""

from __future__ import annotations

import importlib.util
import pickle
from collections import Counter
from pathlib import Path

import regex

from medie.corpus.external import is_drug_class
from medie.rulefiles.lexicon import read_lexicon
from medie.text.textio import write_text_atomic

REPO = Path(__file__).resolve().parent.parent
LEXICON = REPO / "rules" / "lexicon"
OUT = {"DRUG": LEXICON / "cmekg_drugs.tsv", "DISEASE": LEXICON / "cmekg_diseases.tsv"}
DRUG_KEYS = {"成份", "适应症", "OTC类型", "药品类型", "通用名", "药品监管分级", "用法用量", "商品名", "规格", "功能主治"}
HERB_KEYS = {"入药部位", "性味", "主治", "功效"}
# predicates whose values name drugs among other things: a disease's drug treatment, a drug's interactions
TREATMENT_KEYS = ("药物治疗", "药物相互作用")
# what opens or ends a treatment value that is not a drug's name: a route or dose, a class, a combination
NOT_A_NAME = regex.compile(r"^(?:静脉|静注|口服|舌下|吸入|鼻用|鼻内|局部|外用|大剂量|小剂量|低剂量|高剂量|长期|长效|同时|预防性|"
                           r"各种|其它|其他|可溶性|本品)|(?:药|药物|剂|类|治疗|疗法|制剂|盐|离子|类固醇|硝酸酯|生物碱|衍生物)$|联合|联用|加用|基础上|和|与|或|及|"
                           r"\p{Han}{3}加\p{Han}{3}")
# predicates whose values name diseases: a disease's related diseases, complications and differentials
RELATED_KEYS = ("相关疾病", "并发症", "鉴别诊断")
# a related-disease value that is no disease's name: a pattern of traditional medicine, a phrase, two names
NOT_A_DISEASE_NAME = regex.compile(r"^(?:湿热|血热|病症|本病|该病)|[和与及或]|的(?:表现|病变|损害)$|可并发|"
                                    # a kind of disease, not one (系统性疾病, 严重并发症), and infections of a
                                    # site, which texts also give as findings (肺部感染)
                                    r"^\p{Han}{0,4}?(?:疾病|病变|病症|并发症|后遗症)$|感染$")
DISEASE_KEYS = {"常见症状", "就诊科室", "ICD10", "常见发病部位", "多发群体", "常见病因", "并发症", "传染性"}
DISEASE_WORD = regex.compile(r"(?:病|症|癌|瘤|炎|综合征|综合症|损伤|畸形|感染|中毒|障碍|衰竭|梗死|梗塞|硬化|结石|疝|瘘|痹|热|疹|癣|痢|疟|伤寒|白血|贫血|囊肿|息肉|溃疡|紫癜|狭窄|闭锁|缺损|缺乏|不全|增生|脱垂|骨折|结核|麻风|梅毒|痛风|哮喘|肺气肿|休克|妊娠|早产|流产|"
    # conditions named by an organ and what went wrong with it (脑积水, 肺水肿, 肠梗阻, 心律失常, 动脉导管未闭)
    r"(?<=\p{Han})(?:积水|水肿|梗阻|失常|不张|未闭|膨出)|气胸|脑疝)")
FOODS = frozenset("木耳 黄花菜 羊肉 牛肉 猪肉 辣椒 荸荠 海蜇 牛皮 菠菜 丝瓜 茄子 蘑菇 鲤鱼 荔枝 枇杷".split())
# substances the body makes that the graph lists among ingredients but that a text names as what is measured
# (胆固醇水平, 血肌酐): no drug
BODY_SUBSTANCES = frozenset("胆固醇 甘油三酯 三酰甘油 胆红素 肌酐 尿素 尿酸 血红蛋白 白蛋白 球蛋白 纤维蛋白原 神经毒素".split())
BAD_CHARS = regex.compile(r"[，。；：、！？“”\"'《》\[\]【】<>\s]|等$|^\d+$")
TRAILING_VARIANT = regex.compile(r"[（(][^（）()]{1,12}[）)]$")
SALTS = ("注射用", "盐酸", "硫酸", "甲磺酸", "马来酸", "枸橼酸", "富马酸", "酒石酸", "琥珀酸", "磷酸", "醋酸", "乳酸",
         "苯磺酸", "甲苯磺酸", "氢溴酸", "门冬氨酸", "葡萄糖酸", "苹果酸", "草酸", "依地酸", "硝酸", "双羟萘酸")
FORMS = ("缓释片", "控释片", "肠溶片", "分散片", "咀嚼片", "泡腾片", "口腔崩解片", "薄膜衣片", "含片", "片", "缓释胶囊",
         "肠溶胶囊", "软胶囊", "胶囊", "注射液", "口服溶液", "口服液", "混悬液", "溶液", "颗粒", "干混悬剂", "滴眼液", "滴鼻液",
         "乳膏", "软膏", "凝胶", "栓", "贴剂", "喷雾剂", "气雾剂", "吸入剂", "糖浆", "丸", "散", "酊", "搽剂", "洗剂")
EN_DROP = regex.compile(
    r"(?i)\b(?:for|injection|tablets?|capsules?|granules?|dispersible|sustained|controlled|extended|release|"
    r"enteric|coated|chewable|film|oral|solution|suspension|syrup|cream|ointment|gel|drops?|eye|nasal|"
    r"hydrochloride|sulfate|sulphate|mesylate|maleate|citrate|fumarate|tartrate|succinate|phosphate|acetate|"
    r"sodium|potassium|calcium|magnesium|besylate|tosilate|hydrobromide|and|for|powder|spray|patch)\b"
)


# a procedure, examination or therapy the graph files under diseases (胃镜检查, 肾移植, 心肺复苏术): not a DISEASE
PROCEDURE = regex.compile(r"(?:检查|检测|测定|试验|造影|扫描|穿刺|活检|镜|术|切除|移植|疗法|治疗)$")
# a pathogen (结核杆菌, 幽门螺杆菌) or a kind of infant (早产儿, 高危儿) the graph files under diseases: not a DISEASE
PATHOGEN_OR_PERSON = regex.compile(r"(?:菌|病毒|支原体|衣原体|螺旋体|原虫|(?<!畸形|无脑)儿)$")
# a loss of a function the graph files under diseases (记忆障碍, 听力障碍, 意识障碍): a sign, not a DISEASE (spec:
# symptoms and signs are not DISEASE); named disorders (抑郁障碍, 睡眠障碍, 智力障碍) stay
SIGN = regex.compile(r"^(?:老年人)?(?:记忆|听力|视力|嗅觉|味觉|意识|感觉|躯体感觉|平衡|肢体功能|尿便|排尿|吞咽|语言|构音)障碍(?:康复)?$")
# organ names the graph gives as aliases of a disease (结肠 for 放射性肠炎): an organ is no DISEASE (spec)
ORGANS = frozenset("结肠 直肠 小肠 大肠 肠 胃 肝 肺 肾 心 心脏 脑 大脑 食管 食道 乳腺 乳房 胰腺 胆囊 膀胱 子宫 卵巢 甲状腺 "
                   "皮肤 骨 骨骼 血管 淋巴结 十二指肠 前列腺 阑尾 扁桃体 关节 脊髓 脊柱 神经 肌肉 血液 宫颈 脾 脾脏".split())
# population words that may stand before a disease name (not 老年性, which makes the name itself)
POPULATION = regex.compile(r"(?:老年人|老年|小儿|儿童|新生儿|婴幼儿|婴儿|幼儿|成人|成年人|青少年|女性|男性)(?!性)(\p{Han}{2,})")


ROMAN = regex.compile(r"[IVX]+")  # a bare Roman numeral in a list of ingredients (凝血因子 VII): no name


def load_graph() -> dict:
    spec = importlib.util.find_spec("pyCMeKG")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("PyCMeKG is not installed: pip install PyCMeKG")
    path = Path(list(spec.submodule_search_locations)[0]) / "model" / "cmekg.pkl"
    with open(path, "rb") as fh:
        return pickle.load(fh)


def clean(form: str) -> str | None:
    form = TRAILING_VARIANT.sub("", form.strip())
    if len(form) < 2 or BAD_CHARS.search(form):
        return None
    return form


def ingredient(product: str) -> str | None:
    """The active ingredient in a Chinese product name: salt and dosage form removed.

    ``注射用X`` counts as a dosage form (注射用硝普钠 → 硝普钠).
    """
    core = product
    for form in FORMS:
        if core.endswith(form) and len(core) > len(form) + 1:
            core = core[: -len(form)]
            break
    else:
        if not (core.startswith("注射用") and len(core) > 4):
            return None
    salted = False
    for salt in SALTS:
        # 乳酸菌素 is lactobacillus extract, not a lactate: an acid name before 菌 is no salt
        if core.startswith(salt) and len(core) > len(salt) + 1 and core[len(salt)] != "菌":
            core, salted = core[len(salt):], True
            break
    # a bare two-character remainder is too often a word (调脂片 → 调脂); keep it only after a salt
    if len(core) < 3 and not salted:
        return None
    return core if regex.fullmatch(r"\p{Han}+", core) else None


EXCIPIENT = regex.compile(
    r"水$|^本品|辅料|防腐|香精|色素|淀粉|纤维素|硬脂|滑石|糊精|蔗糖|乳糖|聚山梨酯|吐温|聚维酮|聚乙二醇|聚乙烯|卡波姆|凡士林|"
    r"羊毛脂|石蜡|硅|^(?:乙酸乙酯|乙醚|丙酮|甲醇|二氯甲烷|三氯甲烷|氯仿|正己烷|石油醚|胶原蛋白)$|二氧化钛|尼泊金|羟苯|苯甲酸|山梨酸|亚硫酸|依地酸|乙二胺四乙酸|枸橼酸|柠檬酸|酒石酸|磷酸氢|磷酸二氢|"
    r"氢氧化|碳酸钠|醋酸钠|冰醋酸|乙醇|丙二醇|十二烷基|十八醇|甘油酯|糖精|阿司帕坦|甜菊|间甲酚|硫柳汞|发酵|油$|脂$|"
    r"胭脂红|柠檬黄|日落黄|亮蓝|明胶|阿拉伯胶|黄原胶|海藻酸钠|氯化钠|氧化钠|^维生素$|^氨基酸$|^蛋白质$|微量元素|^盐酸$|^硫酸$|\d"
)
# an ingredient named by its kind, not as one substance (维生素B for the B vitamins, 无机盐, 磷酸盐)
KIND_OF_INGREDIENT = regex.compile(r"^维生素B$|^(?:无机|矿物|磷酸|碳酸|硫酸|钠|钾|钙)盐$|无机盐$")
# a name with a letter-and-number designation (维生素B12, 辅酶Q10, 干扰素α2b): the digits are part of the name, not a dose
DESIGNATION = regex.compile(r"\p{Han}{2,10}[A-Zα-γ]\d{1,2}[a-z]?")
PINYIN_FORM = regex.compile(r"(?i)\b(?:pian|wan|keli|jiaonang|koufuye|san|gao|tang|chaji|jiang|dan|ding|shui|lu)\b")


# a plain Chinese name, maybe with Latin letters, digits or hyphens after its first character
PLAIN_NAME = regex.compile(r"\p{Han}[\p{Han}A-Za-z0-9-]*")


def value_uses(graph: dict, keys: tuple[str, ...]) -> dict[str, Counter]:
    """For each value of the predicates ``keys``: how often the graph gives it under each of them."""
    uses: dict[str, Counter] = {}
    for v in graph.values():
        for key in keys:
            for x in v.get(key, []):
                uses.setdefault(x, Counter())[key] += 1
    return uses


def value_row(form: str, value: str, by_key: Counter) -> tuple[str, str, list[str], str, str]:
    """A concept row for a name read from predicate values; its source names the predicate it is given under most."""
    return form, "", [], f"cmekg:{by_key.most_common(1)[0][0]}:{value}", ""


def drug_endings(drug_rows: list, other_forms: Counter) -> set[str]:
    """Characters that end drug names and hardly anything else: the last characters of the drug rows
    built so far (products and their ingredients) that end at least 20 of them and at least 9 in 10 of
    all the names with that last character (the other names: diseases, symptoms, treatments)."""
    drug_last = Counter(form[-1] for term, _, aliases, _, _ in drug_rows for form in [term] + aliases)
    other_last = Counter()
    for form, n in other_forms.items():
        if form:
            other_last[form[-1]] += n
    return {ch for ch, n in drug_last.items() if n >= 20 and n >= 0.9 * (n + other_last[ch])}


def treatment_drugs(graph: dict, drug_rows: list, symptom_uses: Counter) -> list[tuple[str, str, list[str], str, str]]:
    """Drugs the graph names as a disease's treatment or in a drug interaction (:data:`TREATMENT_KEYS`),
    at least twice: 普鲁卡因胺, 去甲肾上腺素, 干扰素. These values also hold symptoms, classes and
    phrases (``不安``, ``大环内酯类抗生素``, ``静脉用肝素``), so a value is kept only when it is a plain
    Chinese name that ends in a character of :func:`drug_endings` and opens with no route or dose word."""
    uses = value_uses(graph, TREATMENT_KEYS)
    other = Counter(s for s, v in graph.items() if set(v) & DISEASE_KEYS and not set(v) & (DRUG_KEYS | HERB_KEYS))
    other.update(symptom_uses)
    other.update(x for v in graph.values() for key in ("治疗", "辅助治疗") for x in v.get(key, []))
    endings = drug_endings(drug_rows, other)
    out = []
    for value, by_key in sorted(uses.items()):
        form = clean(value)
        if (sum(by_key.values()) < 2 or form is None or len(form) < 3 or not PLAIN_NAME.fullmatch(form)
                or form[-1] not in endings or NOT_A_NAME.search(form) or DISEASE_WORD.search(form)):
            continue
        out.append(value_row(form, value, by_key))
    return out


def related_diseases(graph: dict, symptom_uses: Counter) -> list[tuple[str, str, list[str], str, str]]:
    """Diseases the graph names as another disease's related disease, complication or differential
    (:data:`RELATED_KEYS`) at least twice but has no entry for (消化性溃疡, 尿毒症): plain Chinese names
    with a disease word, not given more often as a symptom, and no procedure, pathogen or sign."""
    out = []
    for value, by_key in sorted(value_uses(graph, RELATED_KEYS).items()):
        form, n = clean(value), sum(by_key.values())
        if (n < 2 or form is None or value in graph or symptom_uses[value] > n or not PLAIN_NAME.fullmatch(form)
                or not DISEASE_WORD.search(form) or NOT_A_DISEASE_NAME.search(form)):
            continue
        out.append(value_row(form, value, by_key))
    return out


def is_traditional(preds: dict) -> bool:
    """A product of traditional Chinese medicine: classed as such, or named in pinyin."""
    classes = " ".join(preds.get("分类", []) + preds.get("药品类型", []))
    return "中" in classes or "藏" in classes or "蒙" in classes or any(PINYIN_FORM.search(e) for e in preds.get("英文名", []))


def english(values: list[str], drop_forms: bool = False) -> str:
    for value in values:
        value = value.strip()
        if drop_forms:
            value = regex.sub(r"\s+", " ", EN_DROP.sub(" ", value)).strip()
        if value and value.isascii():
            return value.lower() if drop_forms else value
    return ""


def main() -> None:
    graph = load_graph()
    hand: dict[str, str] = {}
    for path in sorted(LEXICON.glob("*.tsv")):
        if path not in OUT.values():
            for entry in read_lexicon(path):
                hand.setdefault(entry.form, entry.label)
    symptom_uses = Counter(s for v in graph.values() for s in v.get("常见症状", []))
    # a name the graph gives as a symptom counts as one only when it does so at least as often as it gives it
    # as a drug (甲硝唑 is once a 常见症状 and 77 times an ingredient or a treatment)
    drug_uses = Counter(x for v in graph.values() for key in ("成份", *TREATMENT_KEYS) for x in v.get(key, []))
    not_drugs = {s for s, n in symptom_uses.items() if n >= drug_uses[s]} | {
        x for v in graph.values() for key in ("分类", "功效", "主治", "功能主治", "相关症状", "临床症状及体征")
        for x in v.get(key, [])}
    rows: dict[str, list[tuple[str, str, list[str], str, str]]] = {"DRUG": [], "DISEASE": []}
    for subject, preds in sorted(graph.items()):
        keys = set(preds)
        term = clean(subject)
        if term is None:
            continue
        if keys & DISEASE_KEYS and not keys & (DRUG_KEYS | HERB_KEYS):
            if (symptom_uses[subject] >= 3 and not DISEASE_WORD.search(term)) or PROCEDURE.search(term):
                continue  # a symptom more than a disease, or a procedure (its aliases go with it)
            aliases = [a for a in (clean(x) for x in preds.get("别称", []) + preds.get("又称", [])) if a]
            codes = "|".join(f"ICD10:{c.strip()}" for c in preds.get("ICD10", []) if c.strip())
            rows["DISEASE"].append((term, english(preds.get("英文名称", [])), aliases, f"cmekg:{subject}", codes))
        elif keys & (DRUG_KEYS | HERB_KEYS) and not keys & DISEASE_KEYS:
            herb = bool(keys & HERB_KEYS)
            if len(term) == 2 and not herb:
                continue  # two-character brand names are mostly everyday words
            names = preds.get("通用名", []) + preds.get("商品名", []) + preds.get("别称", [])
            aliases = [a for a in (clean(x) for x in names) if a and len(a) > 2]
            rows["DRUG"].append((term, english(preds.get("英文名", [])), aliases, f"cmekg:{subject}", ""))
            if herb or is_traditional(preds):
                continue
            if not english(preds.get("英文名", []), drop_forms=True):
                continue  # no English name to tell the ingredient by
            for product in [term] + aliases:
                core = ingredient(product)
                if core:
                    rows["DRUG"].append((core, english(preds.get("英文名", []), drop_forms=True), [], f"cmekg:{subject}", ""))
    ingredient_uses = Counter(x for v in graph.values() if (set(v) & DRUG_KEYS) and not is_traditional(v)
                              and not set(v) & HERB_KEYS for x in v.get("成份", []))
    for name, uses in sorted(ingredient_uses.items()):
        form = clean(name)
        if uses < 2 or not form or PATHOGEN_OR_PERSON.search(form) or ROMAN.fullmatch(form):
            continue  # a bacterium or virus in a vaccine's or probiotic's ingredients is no drug name
        designation = DESIGNATION.fullmatch(form) and not EXCIPIENT.search(regex.sub(r"\d", "", form))
        plain = (len(form) >= 3 and not EXCIPIENT.search(form) and not KIND_OF_INGREDIENT.search(form)
                 and regex.fullmatch(r"[\p{Han}A-Za-z0-9αβγ-]+", form))
        if designation or plain:
            rows["DRUG"].append((form, "", [], f"cmekg:成份:{name}", ""))
    rows["DRUG"] += treatment_drugs(graph, rows["DRUG"], symptom_uses)
    rows["DISEASE"] += related_diseases(graph, symptom_uses)
    # a form given both as a drug and as a disease, or a drug class, or already hand-written: left out
    labels_of: dict[str, set[str]] = {}
    for label, items in rows.items():
        for term, _, aliases, _, _ in items:
            for form in [term] + aliases:
                labels_of.setdefault(form, set()).add(label)

    def population_form(form: str) -> bool:
        """A known disease with a population word before it (老年高血压, 儿童白血病): GUIDELINES 12 leaves
        the population outside the name, so the lexicon keeps only the disease."""
        m = POPULATION.fullmatch(form)
        return bool(m) and (hand.get(m.group(1)) == "DISEASE" or "DISEASE" in labels_of.get(m.group(1), ()))

    def keep(form: str, label: str) -> bool:
        return (form not in hand and len(labels_of[form]) == 1
                and not (label == "DRUG" and (is_drug_class(form) or form in not_drugs or form in FOODS
                                              or form in BODY_SUBSTANCES))
                and not (label == "DISEASE" and (population_form(form) or PROCEDURE.search(form) or form in ORGANS
                                                 or PATHOGEN_OR_PERSON.search(form) or SIGN.match(form))))

    for label, items in rows.items():
        seen: set[str] = set()
        lines = []
        for term, canonical, aliases, source, codes in items:
            forms = [f for f in dict.fromkeys([term] + aliases) if keep(f, label) and f not in seen]
            if not forms:
                continue
            seen.update(forms)
            lines.append("\t".join([forms[0], label, canonical or forms[0], "|".join(forms[1:]), source, codes]))
        write(OUT[label], lines, label)


def write(path: Path, lines: list[str], label: str) -> None:
    header = "# Built by scripts/build_cmekg_lexicon.py from PyCMeKG (MIT); do not edit by hand, re-run the script.\n"
    header += "term\tlabel\tcanonical\taliases\tsource\tcodes\n"
    write_text_atomic(path, header + "\n".join(lines) + "\n")
    print(f"{len(lines)} {label} concepts written to {path}")


if __name__ == "__main__":
    main()
