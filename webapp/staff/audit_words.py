"""The audit log in words: action codes as plain Chinese labels and each entry's details as
named fields, for the page and its CSV export."""
from __future__ import annotations

import json

from webapp.i18n import translate
from zones.errors import N_

ACTION_LABELS = {
    "zone_file_received": N_("收到学区文件"), "zone_set_uploaded": N_("保存学区草稿"),
    "zone_set_change_accepted": N_("接受需确认的变化"), "zone_set_notice": N_("发布公示"),
    "zone_set_scheduled": N_("安排按生效日期发布"), "zone_set_published": N_("发布学区"),
    "zone_set_publish_override": N_("提前发布（说明理由）"),
    "zone_set_rolled_back": N_("回滚学区"), "notice_comment_answered": N_("公众意见已处理"),
    "login": N_("登录"), "logout": N_("退出登录"), "login_unblocked": N_("解除登录限制"),
    "password_changed": N_("修改密码"), "totp_enrolled": N_("启用两步验证"),
    "user_created": N_("创建账号"), "inquiry_received": N_("收到咨询"),
    "inquiries_purged": N_("清理过期咨询"), "results_imported": N_("导入录取结果"),
    "results_purged": N_("清理录取结果"), "retention_purged": N_("清理过期数据"),
}
DETAIL_LABELS = {
    "reason": N_("理由"), "findings": N_("问题"), "overridden": N_("未满足的条件"),
    "previous": N_("原版本"), "rolled_back": N_("被回滚的版本"), "zones": N_("学区数"),
    "warnings": N_("提示数"), "filename": N_("文件名"), "crs": N_("坐标系"),
    "via": N_("途径"), "source": N_("来源"), "closes_on": N_("公示截止日期"),
    "effective_from": N_("生效日期"), "addresses_moved": N_("换校地址数"),
    "comment_id": N_("意见编号"), "lang": N_("语言"),
}


def action_label(code: str) -> str:
    return translate(ACTION_LABELS[code]) if code in ACTION_LABELS else code


def _value(value) -> str:
    if isinstance(value, list):
        return "、".join(_value(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return "—" if value is None else str(value)


def detail_fields(detail: dict | None) -> list[tuple[str, str]]:
    return [(translate(DETAIL_LABELS[k]) if k in DETAIL_LABELS else k, _value(v))
            for k, v in (detail or {}).items()]


def actions() -> list[tuple[str, str]]:
    return [(code, translate(label)) for code, label in ACTION_LABELS.items()]
