//! The manual's own words in Chinese (simplified characters) (the tables are in `mod.rs`).

use super::{Labels, Notes};
use crate::model::IntervalUnit;

impl Notes {
    pub const CHINESE: Notes = Notes {
        missing: "本页尚未翻译，按原文（{source}）显示。",
        stale: "此译文依据 {id} 的版本 {follows}。版本 {changed} 此后对其作了修改：{summary}。以{link}为准。",
        link: "现行页面",
        languages: "语言",
        english_only: "本页仅有英文版。",
        draft_unreleased: "草稿：本文件尚未发布。",
        draft_differs: "草稿：此工作副本与版本 {revision}（自 {since} 起生效）不同，尚未经批准。",
    };
}

impl Labels {
    pub const CHINESE: Labels = Labels {
        id: "编号",
        revision: "版本",
        effective: "生效日期",
        next_review: "下次评审",
        section: "章节",
        owner: "负责人",
        approved_by: "批准人",
        applies_to: "适用于",
        checklists: "检查表",
        items: "检查项",
        critical: "关键项",
        procedure: "作业指导书",
        filled_in_by: "填写人",
        used_in: "用于",
        not_released: "未发布",
        not_in_force: "未生效",
        every: "每",
        translation_follows: "译文依据版本",
        none: "无",
        anyone: "任何人",
        home: "首页",
        procedures: "作业指导书",
        forms_and_training: "表单与培训",
        reading_paths: "阅读路径",
        by_role: "按岗位",
        what_changed: "近期变更",
        obsolete_documents: "作废文件",
        quality_dashboard: "质量看板",
        training_status: "培训状态",
        who_must_read: "必读人员：",
        everyone_who_works_as: "所有担任",
        or: "或",
        reads_it_about: "的人员须阅读本文件，约需",
        minutes: "分钟",
        confirms_read: "并确认已阅读并理解",
        changed_in_revision: "变更内容：版本",
        effective_from: "生效日期",
        read_again: "已阅读过早前版本的人员须重新阅读本版。",
        was_editorial: "为编辑性修改",
        need_not_read_again: "已阅读过早前版本的人员无需重新阅读。",
        cross_references: "交叉引用",
        refers_here: "引用本作业指导书",
        revision_history: "修订历史",
        rev: "版本",
        change: "变更",
        author: "编写人",
        editorial: "编辑性修改",
        preview_made: "含草稿的预览，生成于",
        preview_not_controlled: "这不是受控手册：标为草稿的页面未经批准。",
        review: "评审周期",
        review_every: "评审周期",
        checklist: "检查表",
        checklists_intro: "每份检查表都可打印成纸质表单，没有屏幕的工位也能按同一流程操作：打开检查表并点击",
        draft_not_approved: "草稿，未经批准",
        revision_lower: "版本",
        is_in_force: "现行有效",
        not_released_head: "未发布",
        print_form: "打印此表",
        print_form_title: "仅打印此表单，每页均带编号、版本和页码",
        print_lot_serial: "批次 ________________   序列号 ________________",
        print_page: "页码 ",
        print_of: " / ",
        sampling_by_plan: "批次按抽样方案检验",
        single_sampling_level: "一次抽样，检验水平",
        sampling_severity: "为每个批次给出其抽样方案；严格度（正常、加严、放宽）依据该供应商已记录的批次确定。",
        lot_size: "批量",
        code_letter: "样本量字码",
        normal: "正常",
        tightened: "加严",
        reduced: "放宽",
        product_lot: "产品 / 批次",
        serial_no: "序列号",
        station: "工位",
        date: "日期",
        check: "检查项目",
        specification: "规格",
        result: "结果",
        critical_item: "关键",
        pass: "合格",
        fail: "不合格",
        pass_all: "合格",
        fail_all: "不合格",
        max: "最多",
        nominal: "标称值",
        at_most: "不超过",
        write_down: "填写记录",
        nonconformance_no: "不合格报告编号",
        inspected_by: "检验人",
        signature: "签名",
        checked_by: "审核人",
        welcome_to: "欢迎来到",
        reading_paths_intro: "每个岗位都有一条阅读路径：该岗位的新同事要首先按顺序阅读的作业指导书。找到您的岗位，从第一篇开始阅读。",
        about: "约",
        about_total: "共约",
        minutes_in_all: "分钟。",
        no_reading_path: "尚未为此岗位设定阅读路径。",
        reading_path: "阅读路径：",
        reading_path_intro: "请按此顺序阅读以下作业指导书。每一篇都说明我们为什么这样做、由谁做什么，以及具体步骤。",
        path_takes_about: "读完整条路径约需",
        minutes_to_read_at: "分钟（按每分钟",
        words_a_minute: "字计算）。",
        confirm_it: "读完一篇后，请确认：",
        on_station_list: "或在工位的阅读清单上确认。",
        by_role_intro: "各岗位适用的作业指导书，以及该岗位要填写的检查表。",
        owner_marks: "表示负责保持作业指导书更新的岗位。",
        owner_of: "负责人",
        checklists_to_fill: "需填写的检查表",
        no_procedure_for_role: "目前尚无适用于此岗位的作业指导书。",
        fills_no_checklist: "此岗位无需填写检查表。",
        changes_in_the: "以下为近",
        days_up_to: "天内生效的版本，截至",
        newest_first: "最新的排在前面。",
        read_ones_for_role: "请阅读适用于您岗位的文件。",
        document: "文件",
        nothing_changed_in: "最近",
        days_end: "天内没有变更。",
        obsolete_intro: "以下文件已不再有效。在此列出，是为了在现场发现纸质副本时能认出它已作废：不得按其作业。",
        last_revision: "最后版本",
        obsolete_since: "作废日期",
        reason: "原因",
        none_retired: "没有已作废的文件。",
        not_found: "页面未找到（404）",
        not_found_help: "此网址无效。请使用导航栏或搜索继续浏览。",
    };
}

/// The unit's name after the number `count` ("12 个月", "1 年", "2 周",
/// "30 天"): Chinese has no plural, so the count does not change it.
pub(super) fn unit(unit: IntervalUnit, _count: u32) -> &'static str {
    match unit {
        IntervalUnit::Day => "天",
        IntervalUnit::Week => "周",
        IntervalUnit::Month => "个月",
        IntervalUnit::Year => "年",
    }
}

/// "every N units": "每 12 个月", "每年", "每周", "每 2 年"; one unit
/// without its number ("每月", not "每 1 个月").
pub(super) fn every(count: u32, unit: IntervalUnit) -> String {
    if count == 1 {
        let one = match unit {
            IntervalUnit::Day => "天",
            IntervalUnit::Week => "周",
            IntervalUnit::Month => "月",
            IntervalUnit::Year => "年",
        };
        format!("每{one}")
    } else {
        format!("每 {count} {}", self::unit(unit, count))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_unit_is_named_the_same_whatever_the_count() {
        assert_eq!(unit(IntervalUnit::Month, 12), "个月");
        assert_eq!(unit(IntervalUnit::Month, 1), "个月");
        assert_eq!(unit(IntervalUnit::Year, 1), "年");
        assert_eq!(unit(IntervalUnit::Week, 2), "周");
        assert_eq!(unit(IntervalUnit::Day, 30), "天");
    }

    #[test]
    fn every_one_unit_goes_without_its_number() {
        assert_eq!(every(12, IntervalUnit::Month), "每 12 个月");
        assert_eq!(every(2, IntervalUnit::Year), "每 2 年");
        assert_eq!(every(30, IntervalUnit::Day), "每 30 天");
        assert_eq!(every(1, IntervalUnit::Year), "每年");
        assert_eq!(every(1, IntervalUnit::Week), "每周");
        assert_eq!(every(1, IntervalUnit::Month), "每月");
        assert_eq!(every(1, IntervalUnit::Day), "每天");
    }
}
