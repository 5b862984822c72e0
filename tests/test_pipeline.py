"""The rule pipeline end to end on sentences written for these tests."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import medie
from medie.manifest import write_manifest
from medie.pipeline import load_classifier


@pytest.fixture(scope="module")
def rules():
    return medie.load(trained=False)


def found(nlp, text):
    return {(m.text, m.label): m.attrs for m in medie.extract(text, nlp)}


def test_phase_and_result_attributes(rules):
    got = found(rules, "该药物的Ⅱ期临床试验显示,总反应率为88.2%。")
    assert got[("Ⅱ期", "PHASE")] == {"phase": "2"}
    assert got[("88.2%", "RESULT")] == {"value": 88.2, "unit": "%"}


def test_layout_noise_inside_mentions(rules):
    text = "一项 I b 期 研究\n\n中，客观缓解率为 7 6.5%"
    mentions = medie.extract(text, rules)
    by_label = {m.label: m for m in mentions}
    assert text[by_label["PHASE"].start : by_label["PHASE"].end] == "I b 期"
    assert by_label["PHASE"].attrs == {"phase": "1b"}


def test_full_width_input(rules):
    got = found(rules, "ＰＨＡＳＥ ２试验中，缓解率为９１％。")
    assert ("９１％", "RESULT") in got
    assert got[("ＰＨＡＳＥ ２", "PHASE")] == {"phase": "2"}


def test_dates_prices_and_stages_are_not_results_or_phases(rules):
    got = found(rules, "2023年5月公司宣布,每针售价120万元,主要用于IV期非小细胞肺癌。")
    assert not any(label in ("RESULT", "PHASE") for _, label in got)


def test_sample_size_dose_trial(rules):
    got = found(rules, "ALPHA-3研究(NCT01234567)共纳入36例患者,剂量为2×10^6 CAR-T/kg。")
    assert ("36例", "SAMPLE_SIZE") in got
    assert ("2×10^6 CAR-T/kg", "DOSE") in got
    assert ("NCT01234567", "TRIAL") in got and ("ALPHA-3", "TRIAL") in got


def test_target_shapes_and_abbreviation_propagation(rules):
    text = "一款靶向GPRC5D的疗法。研究者认为GPRC5D是理想靶点,HER2阳性患者也在研究中。"
    got = [(m.text, m.label) for m in medie.extract(text, rules)]
    assert got.count(("GPRC5D", "TARGET")) == 2
    assert ("HER2", "TARGET") in got


def test_chinese_protein_names_beside_their_bracketed_symbols_are_targets(rules):
    text = "一款靶向人某某细胞表面抗原 3(ABC3)的抗体，可双重阻断白介素9 (IL-9)，并使XYZ7（类某某蛋白 7）失活。"
    got = {(m.text, m.label) for m in medie.extract(text, rules)}
    assert {("某某细胞表面抗原 3", "TARGET"), ("白介素9", "TARGET"), ("类某某蛋白 7", "TARGET")} <= got
    measured = {(m.text, m.label) for m in medie.extract("治疗后血清某某因子(XF)水平下降。设计一种嵌合抗原受体(CAR)。", rules)}
    assert not any(label == "TARGET" for _, label in measured)


def test_a_disease_category_named_by_its_quality(rules):
    got = {(m.text, m.label) for m in medie.extract("该疗法用于治疗罕见的遗传性代谢性疾病。", rules)}
    assert ("遗传性代谢性疾病", "DISEASE") in got
    assert not any(label == "DISEASE" for _, label in
                   {(m.text, m.label) for m in medie.extract("患者的疾病负担较重。", rules)})


def test_english_disease_names_by_their_head_noun(rules):
    got = {(m.text, m.label) for m in medie.extract("We enrolled adults with community acquired pneumonia and a second group with Crohn’s disease.", rules)}
    assert {("community acquired pneumonia", "DISEASE"), ("Crohn’s disease", "DISEASE")} <= got
    assert not any(label == "DISEASE" for _, label in
                   {(m.text, m.label) for m in medie.extract("The treatment of this disease is costly.", rules)})


def test_disease_words_inside_drug_classes_and_organisation_names_are_no_diseases(rules):
    text = "本文分析了抗高血压药的用量。据世界血友病联合会统计，患者多为血友病。"
    got = [(m.text, m.label) for m in medie.extract(text, rules)]
    assert got == [("血友病", "DISEASE")]
    assert ("高血压", "DISEASE") in {(m.text, m.label) for m in medie.extract("患者合并高血压。", rules)}


def test_bare_tumour_word_is_a_disease_only_where_it_is_treated(rules):
    labelled = lambda text: [m.label for m in medie.extract(text, rules) if m.text == "肿瘤"]
    assert labelled("该药用于肿瘤免疫治疗。") == ["DISEASE"]
    assert labelled("T细胞重新识别并攻击肿瘤。") == []


def test_the_abbreviation_closing_a_bracket_opened_before_a_name_takes_its_label(rules):
    text = "患者有某处狭窄(community acquired pneumonia, CAPX)。后来CAPX加重。"
    got = [(m.text, m.label) for m in medie.extract(text, rules)]
    assert got.count(("CAPX", "DISEASE")) == 2


def test_efficacy_and_safety_named_together_are_endpoints_unless_claimed(rules):
    endpoints = lambda text: {m.text for m in medie.extract(text, rules) if m.label == "ENDPOINT"}
    assert {"疗效", "安全性"} <= endpoints("一项关于甲药在乙病患者中的疗效与安全性的研究。")
    assert endpoints("该疫苗具有同等的安全性和有效性。") == set()


def test_drug_names_take_in_for_injection_and_glycoside_and_company_names_are_no_drugs(rules):
    drugs = lambda text: [m.text for m in medie.extract(text, rules) if m.label == "DRUG"]
    assert drugs("患者接受注射用盐酸氨溴索治疗。") == ["注射用盐酸氨溴索"]
    assert drugs("本法测得栀子苷线性关系良好。") == ["栀子苷"]
    assert drugs("该公司与Xenomab Therapeutics签约。") == []


def test_trial_names_glued_to_their_phase(rules):
    got = {(m.text, m.label) for m in medie.extract("一项名为ZENITHⅢ期的研究显示，另一项ALPHA/BETAXⅡb 期试验也已启动。", rules)}
    assert {("ZENITH", "TRIAL"), ("ALPHA", "TRIAL"), ("BETAX", "TRIAL"), ("Ⅲ期", "PHASE")} <= got
    assert not any(label == "TRIAL" for _, label in
                   {(m.text, m.label) for m in medie.extract("入组NSCLC Ⅲ期患者。", rules)})


def test_adverse_events_of_a_safety_report_are_endpoints_and_symptoms_of_a_case_are_not(rules):
    endpoints = lambda text: [m.text for m in medie.extract(text, rules) if m.label == "ENDPOINT"]
    assert endpoints("副作用多为轻度胃肠道问题，包括恶心、呕吐与腹泻。") == ["恶心", "呕吐", "腹泻"]
    assert endpoints("患者入院时头痛、发热3天。") == []


def test_an_abbreviation_before_patients_is_their_disease_everywhere_in_the_text(rules):
    got = [(m.text, m.label) for m in medie.extract("共纳入XYD患者40例。XYD的病程较长。ICU患者另计。", rules)]
    assert got.count(("XYD", "DISEASE")) == 2 and not any(text == "ICU" for text, _ in got)


def test_a_half_width_full_stop_after_chinese_is_no_decimal_point(rules):
    got = {(m.text, m.label) for m in medie.extract("本组资料如下.12例均为女性.治疗结束时.85%的患者达到缓解", rules)}
    assert {("12例", "SAMPLE_SIZE"), ("85%", "RESULT")} <= got
    assert ("0.85%", "RESULT") in {(m.text, m.label) for m in medie.extract("缓解率为0.85%", rules)}


def test_doses_counted_in_tablets_and_listed_with_one_unit(rules):
    got = {(m.text, m.label) for m in medie.extract("受试者每次口服2片。三组给药剂量分别为0.5、1、2 mg/kg。", rules)}
    assert {("2片", "DOSE"), ("0.5", "DOSE"), ("1", "DOSE"), ("2 mg/kg", "DOSE")} <= got
    concentrations = {(m.text, m.label) for m in medie.extract("标准溶液浓度分别为1、2、5 mg/L。", rules)}
    assert not any(label == "DOSE" for _, label in concentrations)


def test_development_codes_and_inn_stems(rules):
    got = found(rules, "QX-3021与替雷利珠单抗联用,另一组使用glofitamab。")
    assert {("QX-3021", "DRUG"), ("替雷利珠单抗", "DRUG"), ("glofitamab", "DRUG")} <= set(got)


def test_offsets_always_index_the_raw_text(rules):
    text = "\ufeff靶向 ＣＤ１９ 的\r\n\r\nCAR-T 在Ⅰ/Ⅱ期中ORR为 9 2 %"
    for m in medie.extract(text, rules):
        assert text[m.start : m.end] == m.text
        assert not m.text[0].isspace() and not m.text[-1].isspace()


def test_missing_model_names_the_rebuild_command(rules, tmp_path):
    nlp = medie.load(trained=False, keep_untrained=True)
    with pytest.raises(FileNotFoundError, match="rebuild it with `medie train --pipeline fast`"):
        load_classifier(nlp, tmp_path)
    (tmp_path / "cfg").write_text("{}", encoding="utf-8")
    (tmp_path / "model").write_bytes(b"not a model")
    with pytest.raises(FileNotFoundError, match="no weights manifest.*medie train"):
        load_classifier(nlp, tmp_path)
    write_manifest(tmp_path)  # files that match their manifest but are no model
    with pytest.raises(ValueError, match="corrupt .*rebuild it with `medie train --pipeline fast`"):
        load_classifier(nlp, tmp_path)


def test_default_pipeline_includes_the_trained_classifier(nlp):
    assert "medie_classifier" in nlp.pipe_names
    assert nlp.pipe_names.index("medie_classifier") < nlp.pipe_names.index("medie_resolver")


def test_disease_modifiers_extend_lexicon_names(rules):
    got = found(rules, "用于复发/难治多发性骨髓瘤(MM)患者,MM是一种血液肿瘤。")
    assert ("复发/难治多发性骨髓瘤", "DISEASE") in got
    assert [m.text for m in medie.extract("用于复发/难治多发性骨髓瘤(MM)患者,MM是一种血液肿瘤。", rules)].count("MM") == 2


def test_lexicon_names_carry_canonical(rules):
    got = found(rules, "靶向B细胞成熟抗原(BCMA)的疗法")
    assert got[("BCMA", "TARGET")]["canonical"] == got[("B细胞成熟抗原", "TARGET")]["canonical"]


PIECES = ["靶向", "CD19", "ＣＤ２０", " ", "\n\n", "Ⅱ期", "II 期", "88.2%", "９１％", "例", "17", "患者", "多发性骨髓瘤",
          "(", ")", "（", "）", "治疗", "HR=0.46", "2022年", "NCT01234567", "伊基\n仑赛注射液", "\u200b", "\r\n", "个月", "中位"]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=30))
def test_any_noisy_text_gives_valid_raw_offsets(nlp, pieces):
    text = "".join(pieces)
    for m in medie.extract(text, nlp):
        assert text[m.start : m.end] == m.text
        assert m.text and not m.text[0].isspace() and not m.text[-1].isspace()
        assert m.label in medie.LABELS


def test_traditional_text_gives_the_mentions_of_its_simplified_twin(rules):
    simplified = "替雷利珠单抗联合顺铂治疗复发难治性多发性骨髓瘤的Ⅱ期临床试验中，客观缓解率为61.1%。"
    traditional = "替雷利珠單抗聯合順鉑治療復發難治性多發性骨髓瘤的Ⅱ期臨床試驗中，客觀緩解率為61.1%。"
    assert len(simplified) == len(traditional)
    simp = [(m.start, m.end, m.label, m.attrs) for m in medie.extract(simplified, rules)]
    trad = medie.extract(traditional, rules)
    assert [(m.start, m.end, m.label, m.attrs) for m in trad] == simp
    assert {m.text for m in trad} >= {"替雷利珠單抗", "順鉑", "客觀緩解率"}


def test_known_false_positives_of_the_first_rules(rules, nlp):
    # a unit in brackets after a drug is not an abbreviation of it
    got = found(rules, "静脉给予吗啡（mg/kg）后,吗啡的血药浓度逐日下降。")
    assert ("mg/kg", "DRUG") not in got and ("吗啡", "DRUG") in got
    # tumour markers are not drugs
    labels = {label for (text, label) in found(nlp, "复查CA199、CA-125与CEA均正常。")}
    assert "DRUG" not in labels
    # one canonical name for ORR and its Chinese name
    got = found(rules, "客观缓解率(ORR)达到55%。")
    assert got[("ORR", "ENDPOINT")]["canonical"] == got[("客观缓解率", "ENDPOINT")]["canonical"]
    # a dose stays a dose, whatever the classifier thinks of it
    got = found(nlp, "受试者每日口服QX-5521 400 mg,连续28天。")
    assert ("400 mg", "DOSE") in got and ("QX-5521", "DRUG") in got


def test_new_drug_name_shapes(rules):
    got = found(rules, "与对比吉非替尼相比,口服甲磺酸伏美替尼片的患者中,依沃西单抗(依沃西)也有效;XYZ-301研究中SHR-A1811获益。")
    assert ("吉非替尼", "DRUG") in got and ("比吉非替尼", "DRUG") not in got
    assert ("甲磺酸伏美替尼片", "DRUG") in got
    assert ("SHR-A1811", "DRUG") in got and ("XYZ-301", "TRIAL") in got
    got = found(rules, "新药诺维达®获批,商品名:康瑞宁)。")
    assert ("诺维达", "DRUG") in got and ("康瑞宁", "DRUG") in got


def test_numbers_that_are_not_results(rules):
    got = found(rules, "HR为0.62(95%CI 0.48~0.80),平均回收率为99.3%,RSD为1.2%,该公司股价上涨3.5%。")
    results = {text for (text, label) in got if label == "RESULT"}
    assert results == {"0.62"}
    assert got[("0.62", "RESULT")] == {"value": 0.62}


def test_result_shapes_of_abstracts(rules):
    got = found(rules, "治疗后疼痛评分降至(2.1±0.8)分,总有效率为90.0%(27例),存活28例,死亡2例,中位1.5(0.5~6.0)个月时起效。")
    results = {text: attrs for (text, label), attrs in got.items() if label == "RESULT"}
    assert results["2.1±0.8"]["value"] == 2.1
    assert results["90.0%"] == {"value": 90.0, "unit": "%"}
    assert {"27例", "28例", "2例", "1.5"} <= set(results)
    assert results["1.5"]["unit"] == "月"


MIXED = st.one_of(
    st.sampled_from(PIECES + ["單抗聯合順鉑", "發(fā)作", "😀", "\x00", "\x07", "\u202e", "\ufffd", "𠀀", "ﬁ", "\t\t", "①"]),
    st.characters(blacklist_categories=("Cs",)),
)


@settings(max_examples=150, deadline=None)
@given(st.lists(MIXED, max_size=60), st.integers(10, 400))
def test_fuzz_mixed_scripts_noise_and_piece_sizes(nlp, pieces, size):
    text = "".join(pieces)
    mentions = list(medie.iter_mentions(text, nlp, chunk_chars=size))
    end = 0
    for m in mentions:
        assert text[m.start : m.end] == m.text and m.text
        assert m.start >= end  # sorted, no overlaps
        end = m.end


def test_taiwan_and_hong_kong_disease_names_share_the_mainland_canonical(rules):
    got = {(m.text, m.label, m.attrs.get("canonical")) for m in medie.extract("乳癌與攝護腺癌篩檢，另有巴金森氏症患者。", rules)}
    assert {("乳癌", "DISEASE", "breast cancer"), ("攝護腺癌", "DISEASE", "prostate cancer"),
            ("巴金森氏症", "DISEASE", "Parkinson's disease")} <= got


def test_a_word_of_the_lexicon_keeps_names_from_being_cut_out_of_it(rules):
    # 射干 is a herb in the drug lexicon; here it straddles 注射, an ordinary word
    assert not any(m.text == "射干" for m in medie.extract("每周肌内注射干扰素一次。", rules))
    assert ("射干", "DRUG") in found(rules, "方中含射干、桔梗。")
    # a drug hidden inside the name of a lab test is no drug
    assert not any(m.label == "DRUG" for m in medie.extract("治疗后血清天冬氨酸转氨酶明显下降。", rules))
    # a mention that covers the word whole stays
    assert ("注射用紫杉醇", "DRUG") in found(rules, "给予注射用紫杉醇治疗。")
    assert all(m.label != "WORD" for m in medie.extract("多巴胺能神经元与甘油三酯", rules))


def test_substances_of_pharmaceutical_analysis_are_drugs(rules):
    got = found(rules, "目的:建立同时测定复方甲颗粒中黄芩苷和绿原酸含量的方法,并制备丙胶囊。")
    assert ("黄芩苷", "DRUG") in got and ("绿原酸", "DRUG") in got and ("丙胶囊", "DRUG") in got
    assert not any(label == "DRUG" for _, label in found(rules, "测量肿瘤组织中HER2蛋白含量。"))


def test_english_gloss_and_abbreviation_take_the_label_of_the_name(rules):
    got = found(rules, "主要终点为疾病控制率(disease control rate, DCR)。")
    assert ("disease control rate", "ENDPOINT") in got
    got = found(rules, "纳入短暂性脑缺血发作(transient ischemic attack,TIA)患者,TIA后随访。")
    assert ("transient ischemic attack", "DISEASE") in got and ("TIA", "DISEASE") in got


def test_pharmacokinetic_parameters_rates_and_scale_scores_are_endpoints(rules):
    got = found(rules, "单次给药后，甲药的Cmax为12.3 ng/mL，tmax为1.5 h，AUC0-t为88.0 h·ng/mL。")
    assert {("Cmax", "ENDPOINT"), ("tmax", "ENDPOINT"), ("AUC0-t", "ENDPOINT")} <= set(got)
    got = found(rules, "停药与较低的主要分子学反应率相关，其HBsAg清除率仍低，两组ADAS-Cog评分均下降。")
    assert {("主要分子学反应率", "ENDPOINT"), ("HBsAg清除率", "ENDPOINT"), ("ADAS-Cog评分", "ENDPOINT")} <= set(got)


def test_values_listed_after_an_assay_figure_and_subgroup_shares_are_not_results(rules):
    got = found(rules, "三种成分的平均回收率分别为98.2%、101.5%、99.0%，日内RSD分别为0.8%、1.2%和1.5%。")
    assert not any(label == "RESULT" for _, label in got)
    got = found(rules, "共纳入85例患者，其中慢性期患者74例(87.0%)，加速期患者11例(13.0%)。")
    assert ("74例", "SAMPLE_SIZE") in got and not any(label == "RESULT" for _, label in got)
    got = found(rules, "治疗期间11例(45.8%)患儿出现并发症。")
    assert ("11例", "RESULT") in got and ("45.8%", "RESULT") in got


def test_diagnostic_agreement_marker_expression_and_limits_are_not_results(rules):
    for sentence in ("三维成像与术中所见的符合率为93.3%。", "肿瘤组织中乙蛋白的阳性表达为60%。",
                     "规定药材含量不得少于1.0%。", "目标为糖化血红蛋白达到6.5%或以下。"):
        assert not any(label == "RESULT" for _, label in found(rules, sentence)), sentence
    assert ("93.3%", "RESULT") in found(rules, "治疗后的总有效率为93.3%。")


def test_a_cytokine_given_as_the_therapy_is_no_target_anywhere_in_the_text(rules):
    text = "研究者给予小鼠长效作用的IL-7。结果显示IL-7可促进T细胞扩增，而CD19 CAR-T细胞的数量增加。"
    got = found(rules, text)
    assert ("IL-7", "TARGET") not in got and ("CD19", "TARGET") in got
    got = found(rules, "接受IL-17A抑制剂治疗的患者中，IL-17A水平下降。")
    assert ("IL-17A", "TARGET") in got


def test_a_leading_mean_belongs_to_the_endpoint_and_a_scale_in_brackets_is_no_abbreviation(rules):
    got = found(rules, "注药组治疗后平均BCVA(logMAR)为0.47±0.22，较基线改善。随访时BCVA(logMAR)稳定。")
    assert ("平均BCVA", "ENDPOINT") in got
    assert not any(text == "logMAR" for text, _ in got)


def test_nanoparticle_codes_salts_and_glued_phases(rules):
    got = found(rules, "制备载药纳米粒(DOX-NP)，并评价醋酸艾司利卡西平的疗效。ALPHAⅢ期研究已启动。")
    assert ("DOX-NP", "DRUG") in got and ("醋酸艾司利卡西平", "DRUG") in got
    assert got.get(("Ⅲ期", "PHASE")) == {"phase": "3"}


def test_lab_tests_and_class_words_keep_drug_names_from_being_cut_out_of_them(rules):
    got = found(rules, "患儿凝血酶原时间延长，血同型半胱氨酸升高，予抗菌素治疗，并口服乳酸菌素片。")
    assert [text for text, label in got if label == "DRUG"] == ["乳酸菌素片"]



def test_drugs_the_knowledge_graph_names_as_treatments_are_found_and_body_substances_are_not_drugs(rules):
    got = found(rules, "房颤者可改用普鲁卡因胺，厌氧菌感染者加用甲硝唑。研究测定了血清叶酸和胆固醇水平。")
    assert [text for text, label in got if label == "DRUG"] == ["普鲁卡因胺", "甲硝唑"]


def test_a_locant_joins_the_drug_and_an_enzyme_named_after_a_drug_is_no_drug(rules):
    got = found(rules, "予5-氟胞嘧啶口服；该菌产生青霉素酶，且胰岛素分泌不足。")
    assert [text for text, label in got if label == "DRUG"] == ["5-氟胞嘧啶"]


def test_a_brand_in_brackets_after_a_drug_is_a_drug_wherever_it_occurs(rules):
    got = found(rules, "予奥沙利铂（乐恒）静滴，第二周期乐恒减量；多西他赛(国产)耐受良好，紫杉醇(证据最高)次之。")
    assert [text for text, label in got if label == "DRUG"] == ["奥沙利铂", "乐恒", "多西他赛", "紫杉醇"]


def test_a_trial_name_in_brackets_after_a_trial_word_is_a_trial(rules):
    got = found(rules, "其Ⅲ期临床研究（ALPHA-7）达到主要终点，关键研究(BETA-3)正在入组，另一项III期(ABC-301)研究已启动，"
                       "3期研究 DEF-302（NCT01234567）在评估其联合用药。")
    assert [text for text, label in got if label == "TRIAL"] == ["ALPHA-7", "BETA-3", "ABC-301", "DEF-302", "NCT01234567"]


def test_a_median_before_its_bracketed_confidence_interval_takes_the_unit_after_it(rules):
    got = found(rules, "中位无进展生存期为9.0(95%CI:3.0~15.0)个月，中位缓解持续时间为8.3（95%置信区间：6.9~NE）个月。")
    results = {text: attrs for (text, label), attrs in got.items() if label == "RESULT"}
    assert results == {"9.0": {"value": 9.0, "unit": "月"}, "8.3": {"value": 8.3, "unit": "月"}}


def test_a_known_drug_with_a_chemical_prefix_written_onto_it_is_not_cut_out_of_the_longer_name(rules):
    got = found(rules, "加用甲泼尼松龙冲击，甲组给予泼尼松龙。")
    assert [text for text, label in got if label == "DRUG"] == ["甲泼尼松龙", "泼尼松龙"]


def test_an_antibody_named_once_is_found_again_without_its_dan_kang(rules):
    got = found(rules, "卡瑞利西单抗联合化疗组与对照组相比，卡瑞利西组客观缓解率更高。")
    assert [text for text, label in got if label == "DRUG"] == ["卡瑞利西单抗", "卡瑞利西"]


def test_trial_names_in_a_list_before_a_trial_word_and_with_a_spaced_number_are_trials(rules):
    got = found(rules, "ALPHA-2、OMEGA 302和SIGMA-11研究均已完成；COVID-19研究不是试验名。")
    assert [text for text, label in got if label == "TRIAL"] == ["ALPHA-2", "OMEGA 302", "SIGMA-11"]


def test_a_name_and_its_bracketed_alias_share_one_canonical_name(nlp):
    mentions = medie.extract("靶向TROP2的ADC药物德达博妥单抗（Dato-DXd）获批。", nlp)
    drugs = {m.text: m.attrs.get("canonical") for m in mentions if m.label == "DRUG"}
    assert drugs == {"德达博妥单抗": "datopotamab deruxtecan", "Dato-DXd": "datopotamab deruxtecan"}


def test_a_disease_named_as_an_adverse_event_of_the_study_is_an_endpoint(rules):
    got = found(rules, "常见不良反应包括恶心、贫血和乏力；12.5%的患者出现贫血。本品用于治疗贫血。")
    assert [(text, label) for text, label in got if text == "贫血"] == [("贫血", "ENDPOINT"), ("贫血", "DISEASE")]

def _full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def test_the_full_width_twin_of_every_corpus_document_gives_the_same_mentions(nlp, corpus_dir):
    """Full-width ASCII (letters, digits, brackets, signs) is one of the messy inputs: every corpus
    document, written in full-width forms, must give the mentions of its ASCII original."""
    for path in sorted(corpus_dir.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        plain = [(m.start, m.end, m.label) for m in medie.extract(text, nlp)]
        wide = [(m.start, m.end, m.label) for m in medie.extract(_full_width(text), nlp)]
        assert wide == plain, path.name
