"""The demo's secretaries: the 2015 campaign as Shanxi reported it, reached through the services.

Shanxi's published figures for the 2015 campaign (../shared/forms/annexes.md): 9,395 secretaries
in office — 15 from central organs in Shanxi, 506 provincial, 1,475 city, 6,483 county, 916 from
state enterprises and institutions; 113 at 处级 or above, 1,275 women, 2,966 aged 35 or under.
The demo generates people with exactly those figures (names drawn from common surnames, valid
身份证号 whose birth dates and sexes give the figures), the units that send them (the notice's
附表2 units with their quotas, and generated provincial, city and county units, each with its
HR account) and walks every one of them through the pipeline with the services, dated as in
2015: apply, qualify, recommend, (省扶贫办 approve), file, assign, take office. Each secretary
is in a different target village; provincial ones inside their units' quota counties.

On top of that, a few dozen candidates wait at every earlier step, so that each demo account's
待办 has work: the unit 山西省国土资源厅 (guotu) has applications to review, 省扶贫办 (shengfpb)
candidates to approve, 省委组织部 (shengzzb) candidates to file, 忻州市 (xinzhou) city units'
candidates, 岢岚县 (kelan) county units' candidates to file and secretaries to assign.

Everything is drawn from a fixed seed, so every run gives the same people in the same villages.
"""

from __future__ import annotations

import datetime
import random
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from dispatch.demo import demo_password_hash
from dispatch.models import Campaign, DispatchingUnit, QuotaAllocation, Role, User
from dispatch.quota_services import quota_set
from dispatch.roles import role_group_name
from dispatch.services import units_create
from secretaries.idcard import make_id_number
from secretaries.models import Cadre, Posting
from secretaries.services import cadres_create, postings_apply, postings_perform
from villages.models import POOR_COUNTY, Region, Village, deployment_province

SEED = 2015
# Shanxi 2015: secretaries in office by where they come from (the five groups of 附表4).
CENTRAL, PROVINCE, CITY, COUNTY, ENTERPRISE = 15, 506, 1475, 6483, 916
IN_OFFICE = CENTRAL + PROVINCE + CITY + COUNTY + ENTERPRISE  # 9,395
# How the 916 from state enterprises and institutions split by the level of their unit (not
# published; chosen for the demo).
ENTERPRISE_BY_LEVEL = {"province": 300, "city": 200, "county": 416}
DIVISION_OR_ABOVE, WOMEN, AGED_35_OR_UNDER = 113, 1275, 2966
AGE_ON = datetime.date(2015, 8, 15)  # ages are counted on the arrival deadline
# Target villages left without a secretary (9,896 − 9,395): the counties' backfill still to do.
KELAN = "140929"
KELAN_UNCOVERED = 10  # room for the candidates waiting for 岢岚县
KELAN_QUOTA_LEFT = 4  # provincial quota places in 岢岚县 left for filed candidates

ENTERPRISE_KINDS = DispatchingUnit.ENTERPRISE_KINDS

PROVINCIAL_ORGANS = """山西省发展和改革委员会 山西省财政厅 山西省农业厅 山西省林业厅 山西省水利厅 山西省交通运输厅 山西省商务厅
山西省民政厅 山西省教育厅 山西省科学技术厅 山西省人力资源和社会保障厅 山西省环境保护厅 山西省卫生和计划生育委员会
山西省审计厅 山西省司法厅 山西省公安厅 山西省工商行政管理局 山西省地方税务局 山西省食品药品监督管理局 山西省旅游局
山西省粮食局 山西省扶贫开发办公室 山西省农业机械局 山西省供销合作社 山西省人民政府办公厅 山西省委办公厅 山西省委宣传部
山西省委统战部 山西省委政法委员会 山西省委政策研究室 山西省人大常委会办公厅 山西省政协办公厅 山西省纪委 山西省高级人民法院
山西省人民检察院 共青团山西省委 山西省妇女联合会 山西省科学技术协会 山西省文学艺术界联合会 山西省残疾人联合会 山西省经济和信息化委员会
山西省国有资产监督管理委员会 山西省体育局 山西省档案局 山西省地震局 山西省人民政府研究室""".split()
PROVINCIAL_ENTERPRISES = """山西省农业科学院 山西农业大学 山西大学 太原理工大学 山西医科大学 山西财经大学 山西师范大学 山西省人民医院
山西焦煤集团有限责任公司 大同煤矿集团有限责任公司 阳泉煤业（集团）有限责任公司 潞安矿业（集团）有限责任公司 晋城无烟煤矿业集团有限责任公司
山西国际电力集团有限公司 太原钢铁（集团）有限公司 山西省农村信用社联合社 山西省林业科学研究院 山西省水利水电勘测设计研究院
山西广播电视台 山西日报社""".split()
CENTRAL_ORGANS = ["国家统计局山西调查总队", "中国人民银行太原中心支行", "山西煤矿安全监察局"]
CITY_ORGANS = """委办公室 人民政府办公室 纪委 委组织部 委宣传部 发展和改革委员会 财政局 农业委员会 水务局 林业局 民政局 教育局""".split()
CITY_ENTERPRISES = ["人民医院", "农业科学研究所", "供水集团有限公司"]
# Few units per county, each sending several: the demo walks each unit's candidates as one batch.
COUNTY_ORGANS = """委办公室 人民政府办公室 农业委员会""".split()
COUNTY_ENTERPRISES = ["农业技术推广中心"]

SURNAMES = """王 李 张 刘 陈 杨 赵 黄 周 吴 徐 孙 胡 朱 高 林 何 郭 马 罗 梁 宋 郑 谢 韩 唐 冯 于 董 萧 程 曹 袁 邓 许 傅 沈 曾 彭 吕
苏 卢 蒋 蔡 贾 丁 魏 薛 叶 阎 余 潘 杜 戴 夏 钟 汪 田 任 姜 范 方 石 姚 谭 廖 邹 熊 金 陆 郝 孔 白 崔 康 毛 邱 秦 江 史 顾 侯 邵 孟 龙 万 段 雷 钱 汤 尹 黎 易 常 武 乔 贺 赖 龚 文""".split()  # noqa: E501
GIVEN_MALE = "建 国 伟 强 军 勇 磊 涛 斌 鹏 辉 刚 明 华 平 杰 峰 波 宇 亮 志 鑫 晓 海 东 林 彬 超 俊 文 飞 旭 永 立 新 忠 庆 春 瑞 鸿 浩 博 龙 云 宏".split()  # noqa: E501
GIVEN_FEMALE = (
    "丽 娟 敏 静 霞 艳 芳 燕 玲 红 梅 莉 婷 慧 洁 琳 娜 雪 英 萍 颖 晶 琴 蓉 兰 丹 倩 薇 佳 欣 悦 璐 瑶 晓 春 秀 艳 凤 彤".split()
)
POSITIONS = {
    Cadre.Rank.DIVISION_OR_ABOVE: ["副处长", "处长", "副巡视员", "调研员"],
    Cadre.Rank.SECTION: ["副科长", "科长", "主任科员", "副主任科员"],
    Cadre.Rank.BELOW_SECTION: ["科员", "办事员", "干部"],
}


@dataclass
class Seat:
    """One secretary in office to be: who sends, where to, and the person's marks."""

    unit: DispatchingUnit
    county: Region
    village: Village
    woman: bool = False
    young: bool = False
    division: bool = False


@dataclass
class Plan:
    seats: list[Seat] = field(default_factory=list)
    waiting: list[tuple[DispatchingUnit, Region, str]] = field(default_factory=list)  # unit, county, last state


def _largest_remainder(total: int, weights: dict) -> dict:
    """Split ``total`` in proportion to ``weights`` into whole numbers that sum to it."""
    whole = sum(weights.values())
    if not whole:
        return {k: 0 for k in weights}
    shares = {k: total * w / whole for k, w in weights.items()}
    out = {k: int(v) for k, v in shares.items()}
    for k in sorted(weights, key=lambda k: (out[k] - shares[k], str(k)))[: total - sum(out.values())]:
        out[k] += 1
    return out


class DemoBuilder:
    """plan_seats() decides who goes where, create_accounts() gives every acting department and
    unit its user, walk() creates the people and drives them through the services."""

    def __init__(self, campaign: Campaign, province_user: User):
        # What the pipeline's rules know, shared by every batch of the walk: the walk is one
        # transaction, so each county is read once instead of once per acting user (1,824 batches).
        self.facts: dict = {}
        self.rng = random.Random(SEED)
        self.campaign = campaign
        self.province = deployment_province()
        self.cities = {r.pk: r for r in Region.objects.of_deployment().filter(level=Region.Level.CITY).order_by("code")}
        self.counties = {r.pk: r for r in Region.objects.of_deployment().filter(level=Region.Level.COUNTY).order_by("code")}
        self.poor_counties = set(Region.objects.of_deployment().filter(POOR_COUNTY).values_list("pk", flat=True))
        villages = defaultdict(list)
        for v in Village.objects.targets().filter(code__startswith=self.province.scope_prefix).order_by("code"):
            villages[v.county_id].append(v)
        # Registered-poor villages first (provincial and city secretaries go there mainly), in a
        # drawn order; the last ones of each county are left uncovered.
        self.free: dict[int, list[Village]] = {}
        for county_id, vs in villages.items():
            self.rng.shuffle(vs)
            self.free[county_id] = sorted(vs, key=lambda v: not v.is_registered_poor)
        self.province_user = province_user
        self.password = demo_password_hash()
        self.unit_users: dict[int, User] = {}
        self.org_users: dict[int, User] = {}

    # --- units, quotas and accounts ----------------------------------------------------------
    def _units(self, names: list[str], *, level: str, kind_of, region: Region) -> list[DispatchingUnit]:
        existing = {u.name: u for u in DispatchingUnit.objects.filter(region=region, name__in=names)}
        new = [
            dict(
                name=n, level=level, kind=kind_of(n), region=region, is_agriculture_related=any(w in n for w in ("农", "林", "水", "扶贫"))
            )
            for n in names
            if n not in existing
        ]
        existing.update({u.name: u for u in units_create(rows=new, by=None)})
        return [existing[n] for n in names]

    @staticmethod
    def _organ_kind(name: str) -> str:
        if any(w in name for w in ("共青团", "妇女联合会", "科学技术协会", "文学艺术界", "残疾人联合会", "总工会")):
            return DispatchingUnit.Kind.PEOPLES_ORGANIZATION
        return DispatchingUnit.Kind.PARTY_GOVERNMENT

    @staticmethod
    def _enterprise_kind(name: str) -> str:
        if "大学" in name or "学院" in name:
            return DispatchingUnit.Kind.UNIVERSITY
        if "公司" in name or "集团" in name or "联合社" in name:
            return DispatchingUnit.Kind.STATE_ENTERPRISE
        return DispatchingUnit.Kind.INSTITUTION

    def create_accounts(self) -> None:
        """An HR account for every unit that sends someone, and the organization departments of
        every city and county (username: the division code, e.g. xian140930), all with the demo
        password. The named demo accounts (guotu, xinzhou, kelan…) stand for their own."""
        units = {s.unit.pk: s.unit for s in self.plan.seats} | {u.pk: u for u, _, _ in self.plan.waiting}
        self.unit_users = {u.unit_id: u for u in User.objects.filter(role=Role.UNIT, unit__in=units)}
        self.org_users = {u.region_id: u for u in User.objects.filter(role__in=[Role.CITY_ORG, Role.COUNTY_ORG], region__isnull=False)}
        new = []
        for unit in units.values():
            if unit.pk not in self.unit_users:
                new.append(
                    User(username=f"dw{unit.pk}", full_name=f"{unit.name}组织人事部门", role=Role.UNIT, unit=unit, password=self.password)
                )
        for region in [*self.cities.values(), *self.counties.values()]:
            if region.pk not in self.org_users:
                role = Role.CITY_ORG if region.level == Region.Level.CITY else Role.COUNTY_ORG
                prefix = "shi" if role == Role.CITY_ORG else "xian"
                new.append(
                    User(
                        username=f"{prefix}{region.code}",
                        full_name=f"{region.name}委组织部",
                        role=role,
                        region=region,
                        password=self.password,
                    )
                )
        User.objects.bulk_create(new, batch_size=1000)
        groups = {g.name: g for g in Group.objects.all()}
        created = User.objects.filter(username__in=[u.username for u in new])
        User.groups.through.objects.bulk_create(
            [User.groups.through(user_id=u.pk, group_id=groups[role_group_name(u.role)].pk) for u in created], batch_size=2000
        )
        for u in created.select_related("unit", "region"):
            if u.role == Role.UNIT:
                self.unit_users[u.unit_id] = u
            else:
                self.org_users[u.region_id] = u
        self.poverty_office_user = User.objects.filter(role=Role.POVERTY_OFFICE).order_by("pk").first()

    # --- where everyone goes ---------------------------------------------------------------
    def plan_seats(self) -> Plan:
        rng, plan = self.rng, Plan()
        quotas = list(
            QuotaAllocation.objects.filter(campaign=self.campaign).select_related("unit", "county").order_by("county__code", "unit__name")
        )
        quota_counties = {q.county_id for q in quotas}
        # Places taken by the 附表2 quotas of the notice (岢岚县 keeps a few for waiting candidates).
        filled = {}
        kelan_left = KELAN_QUOTA_LEFT
        # Places kept in the notice's other quotas for the candidates waiting at 省扶贫办 and
        # 省委组织部: a quota counts the recommended, approved and filed as well as those in
        # office (Posting.QUOTA_STATES), so they must fit.
        self.reserved = self._reserve_for_waiting([q for q in quotas if q.county.code != KELAN])
        kept = Counter(q.pk for q, _ in self.reserved)
        for q in quotas:
            n = q.count - kept[q.pk]
            if q.county.code == KELAN and kelan_left and n > 1:
                n, kelan_left = n - 1, kelan_left - 1
            filled[q.pk] = (q, n)
        group = lambda u: "enterprise" if u.kind in ENTERPRISE_KINDS else u.level  # noqa: E731
        have = defaultdict(int)
        for q, n in filled.values():
            have[group(q.unit)] += n
        need = {
            "central": CENTRAL - have["central"],
            "province": PROVINCE - have["province"],
            "enterprise": ENTERPRISE_BY_LEVEL["province"] - have["enterprise"],
        }
        # Generated provincial units take quotas in the other poor counties, up to a third of
        # each county's registered-poor villages.
        room = {
            c: sum(v.is_registered_poor for v in self.free.get(c, [])) // 3
            for c in sorted(self.poor_counties - quota_counties, key=lambda c: self.counties[c].code)
        }
        pools = {
            "central": self._units(CENTRAL_ORGANS, level=DispatchingUnit.Level.CENTRAL, kind_of=self._organ_kind, region=self.province),
            "province": self._units(
                PROVINCIAL_ORGANS, level=DispatchingUnit.Level.PROVINCE, kind_of=self._organ_kind, region=self.province
            ),
            "enterprise": self._units(
                PROVINCIAL_ENTERPRISES, level=DispatchingUnit.Level.PROVINCE, kind_of=self._enterprise_kind, region=self.province
            ),
        }
        counties = list(room)
        cursor = 0
        for name, units in pools.items():
            left, i = need[name], 0
            while left > 0:
                unit = units[i % len(units)]
                for _ in range(len(counties)):
                    county = counties[cursor % len(counties)]
                    cursor += 1
                    if room[county] > 0:
                        break
                n = min(left, room[county], rng.randint(2, 8))
                if n == 0:
                    raise RuntimeError("演示数据：贫困县的贫困村不够分配省直单位名额。")
                room[county] -= n
                left -= n
                i += 1
                quota = QuotaAllocation.objects.filter(campaign=self.campaign, unit=unit, county_id=county).first()
                quota = quota_set(
                    campaign=self.campaign,
                    unit=unit,
                    county=self.counties[county],
                    count=(quota.count if quota else 0) + n,
                    by=self.province_user,
                )
                key = quota.pk
                filled[key] = (quota, filled[key][1] + n if key in filled else n)
        for q, n in filled.values():
            for _ in range(n):
                plan.seats.append(Seat(q.unit, q.county, self.free[q.county_id].pop(0)))

        # Left uncovered: 9,896 − 9,395 target villages, in proportion to what each county has
        # left (岢岚县 at least a few, for its waiting candidates).
        targets_left = {c: len(vs) for c, vs in self.free.items()}
        uncovered_total = sum(targets_left.values()) - (IN_OFFICE - len(plan.seats))
        kelan = next(c for c, r in self.counties.items() if r.code == KELAN)
        uncovered = _largest_remainder(uncovered_total - KELAN_UNCOVERED, {c: n for c, n in targets_left.items() if c != kelan})
        uncovered[kelan] = KELAN_UNCOVERED
        capacity = {c: targets_left[c] - uncovered.get(c, 0) for c in targets_left}

        # City units: 1,475 organs and 200 enterprises and institutions, by city in proportion
        # to the room its counties have, then by county the same way.
        by_city = defaultdict(dict)
        for c, n in capacity.items():
            by_city[self.counties[c].parent_id][c] = n
        city_total = _largest_remainder(CITY + ENTERPRISE_BY_LEVEL["city"], {city: sum(cs.values()) // 2 for city, cs in by_city.items()})
        city_enterprise = _largest_remainder(ENTERPRISE_BY_LEVEL["city"], city_total)
        county_total = {c: capacity[c] for c in capacity}
        county_enterprise_weights = {}
        for city_id, counties_of_city in sorted(by_city.items(), key=lambda kv: self.cities[kv[0]].code):
            city = self.cities[city_id]
            organs = self._units(
                [city.name + n for n in CITY_ORGANS], level=DispatchingUnit.Level.CITY, kind_of=self._organ_kind, region=city
            )
            enterprises = self._units(
                [city.name + n for n in CITY_ENTERPRISES], level=DispatchingUnit.Level.CITY, kind_of=self._enterprise_kind, region=city
            )
            shares = _largest_remainder(city_total[city_id], {c: n // 2 for c, n in counties_of_city.items()})
            kinds = [True] * city_enterprise[city_id] + [False] * (city_total[city_id] - city_enterprise[city_id])
            rng.shuffle(kinds)
            k = 0
            for county_id in sorted(shares, key=lambda c: self.counties[c].code):
                for _ in range(shares[county_id]):
                    pool = enterprises if kinds[k] else organs
                    plan.seats.append(Seat(pool[k % len(pool)], self.counties[county_id], self.free[county_id].pop(0)))
                    k += 1
                county_total[county_id] -= shares[county_id]
                county_enterprise_weights[county_id] = county_total[county_id]
        # County units fill the rest of their own county: 6,483 organs, 416 enterprises and institutions.
        county_enterprise = _largest_remainder(ENTERPRISE_BY_LEVEL["county"], county_enterprise_weights)
        for county_id in sorted(county_total, key=lambda c: self.counties[c].code):
            county = self.counties[county_id]
            n = county_total[county_id]
            if n <= 0:
                continue
            organs = self._units(
                [county.name + u for u in COUNTY_ORGANS], level=DispatchingUnit.Level.COUNTY, kind_of=self._organ_kind, region=county
            )
            enterprises = self._units(
                [county.name + u for u in COUNTY_ENTERPRISES],
                level=DispatchingUnit.Level.COUNTY,
                kind_of=self._enterprise_kind,
                region=county,
            )
            for k in range(n):
                pool = enterprises if k < county_enterprise[county_id] else organs
                plan.seats.append(Seat(pool[k % len(pool)], county, self.free[county_id].pop(0)))

        # The marks: women, aged 35 or under, 处级 and above (from provincial and central units).
        seats = plan.seats
        high = [i for i, s in enumerate(seats) if s.unit.level in (DispatchingUnit.Level.PROVINCE, DispatchingUnit.Level.CENTRAL)]
        division = set(rng.sample(high, DIVISION_OR_ABOVE))
        for i in division:
            seats[i].division = True
        for i in rng.sample([i for i in range(len(seats)) if i not in division], AGED_35_OR_UNDER):
            seats[i].young = True
        for i in rng.sample(range(len(seats)), WOMEN):
            seats[i].woman = True

        # The waiting candidates: which unit, which county, how far they got.
        kelan_region = self.counties[kelan]
        guotu = DispatchingUnit.objects.get(name="山西省国土资源厅", region=self.province)
        kelan_quota_units = [q.unit for q in quotas if q.county.code == KELAN]
        xinzhou = self.cities[kelan_region.parent_id]
        xinzhou_units = list(DispatchingUnit.objects.filter(region=xinzhou, level=DispatchingUnit.Level.CITY).order_by("name"))
        kelan_units = list(DispatchingUnit.objects.filter(region=kelan_region).order_by("name"))
        provincial = [(q.unit, q.county) for q in quotas if q.county.code != KELAN]
        waiting = plan.waiting
        waiting += [(guotu, kelan_region, s) for s in ["applied"] * 6 + ["qualified"] * 4 + ["rejected"] * 2 + ["withdrawn"]]
        waiting += [(u, c, "applied") for u, c in rng.sample(provincial, 30)]
        waiting += [(u, c, "qualified") for u, c in rng.sample(provincial, 25)]
        # 省扶贫办's and 省委组织部's, in the places kept for them.
        waiting += [(q.unit, q.county, state) for q, state in self.reserved]
        xinzhou_counties = [c for c in self.counties.values() if c.parent_id == xinzhou.pk]
        waiting += [(xinzhou_units[i % len(xinzhou_units)], xinzhou_counties[i % len(xinzhou_counties)], "recommended") for i in range(20)]
        waiting += [(kelan_units[i % len(kelan_units)], kelan_region, "recommended") for i in range(8)]
        waiting += [(kelan_units[i % len(kelan_units)], kelan_region, "filed") for i in range(4)]
        waiting += [(u, kelan_region, "filed") for u in kelan_quota_units]  # one per quota unit: 4 places left
        return plan

    WAITING_IN_QUOTAS = (
        ("recommended", DispatchingUnit.Level.CENTRAL, 2),
        ("recommended", DispatchingUnit.Level.PROVINCE, 30),
        ("approved", DispatchingUnit.Level.PROVINCE, 25),
    )

    def _reserve_for_waiting(self, quotas: list[QuotaAllocation]) -> list[tuple[QuotaAllocation, str]]:
        """(quota, state) for each provincial or central candidate waiting at 省扶贫办 (recommended)
        or 省委组织部 (approved; the central unit's recommended), spread over the quotas in a
        random order, never more than a quota's places."""
        order = self.rng.sample(quotas, len(quotas))
        left = {q.pk: q.count for q in order}
        reserved = []
        for state, level, wanted in self.WAITING_IN_QUOTAS:
            eligible = [q for q in order if q.unit.level == level]
            i = 0
            while wanted and any(left[q.pk] for q in eligible):
                q = eligible[i % len(eligible)]
                i += 1
                if left[q.pk]:
                    left[q.pk] -= 1
                    wanted -= 1
                    reserved.append((q, state))
        return reserved

    # --- people ----------------------------------------------------------------------------
    def _person(self, unit: DispatchingUnit, county: Region, *, woman: bool, young: bool, division: bool, used_ids: set[str]) -> Cadre:
        rng = self.rng
        sex = "F" if woman else "M"
        age = rng.randint(26, 35) if young else rng.randint(41 if division else 36, 58)
        birth = AGE_ON.replace(year=AGE_ON.year - age - 1) + datetime.timedelta(days=rng.randint(1, 364))
        serial = rng.randint(0, 499)
        birthplace = county.code if rng.random() < 0.7 else rng.choice(list(self.counties.values())).code
        number = make_id_number(birthplace, birth, serial, sex)
        while number in used_ids:
            serial += 1
            number = make_id_number(birthplace, birth, serial, sex)
        used_ids.add(number)
        given = rng.choice(GIVEN_FEMALE if woman else GIVEN_MALE) + (
            rng.choice(GIVEN_FEMALE if woman else GIVEN_MALE) if rng.random() < 0.7 else ""
        )
        work_start = birth.replace(year=birth.year + rng.randint(20, 23), day=1)  # two years and more before applying
        rank = (
            Cadre.Rank.DIVISION_OR_ABOVE
            if division
            else (Cadre.Rank.SECTION if age >= 33 and rng.random() < 0.6 else Cadre.Rank.BELOW_SECTION)
        )
        if unit.kind in ENTERPRISE_KINDS:
            source = Cadre.Source.ENTERPRISE_INSTITUTION
        elif age >= 52 and rng.random() < 0.5:
            source = Cadre.Source.RETIRED_FROM_LEADERSHIP
        elif age <= 40:
            source = Cadre.Source.YOUNG_CADRE
        else:
            source = Cadre.Source.RESERVE_CADRE
        education = rng.choices(list(Cadre.Education), weights=[8, 58, 27, 7])[0]
        return Cadre(
            name=rng.choice(SURNAMES) + given,
            id_number=number,
            sex=sex,
            birth_date=birth,
            ethnicity=rng.choices(["汉族", "回族", "满族", "蒙古族"], weights=[985, 8, 4, 3])[0],
            education=education,
            political_status=Cadre.PoliticalStatus.MEMBER,
            party_join_date=birth.replace(year=birth.year + rng.randint(19, 25), day=1),
            work_start_date=work_start,
            unit=unit,
            position=rng.choice(POSITIONS[rank]),
            rank=rank,
            source=source,
            is_27th_batch=unit.level == DispatchingUnit.Level.PROVINCE and rng.random() < 0.3,
            has_rural_experience=rng.random() < 0.35,
            has_agriculture_expertise=unit.is_agriculture_related or rng.random() < 0.08,
            phone=f"1{rng.choice('3578')}{rng.randint(0, 999999999):09d}",
        )

    # --- the pipeline ------------------------------------------------------------------------
    def _run(self, action: str, items_by_actor: dict[User, list[tuple[int, dict]]], at: datetime.datetime) -> int:
        done = 0
        for actor, items in items_by_actor.items():
            result = postings_perform(action=action, items=items, by=actor, at=at, facts=self.facts)
            if result.refused or result.missing:
                first = next(iter(result.refused.values()), None)
                raise RuntimeError(f"演示数据：{action} 被拒绝 {len(result.refused) + len(result.missing)} 条：{first}")
            done += len(result.done)
        return done

    def _filer(self, unit: DispatchingUnit) -> User:
        if unit.level in (DispatchingUnit.Level.PROVINCE, DispatchingUnit.Level.CENTRAL):
            return self.province_user
        return self.org_users[unit.region_id]

    def walk(self) -> dict[str, int]:
        """Create the people and walk each through the services to where the plan puts it."""
        rng, plan = self.rng, self.plan
        used_ids = set(Cadre.objects.values_list("id_number", flat=True))
        rows = []  # (cadre, county, village or None, last state)
        for s in plan.seats:
            rows.append(
                [
                    self._person(s.unit, s.county, woman=s.woman, young=s.young, division=s.division, used_ids=used_ids),
                    s.county,
                    s.village,
                    "in_office",
                ]
            )
        for unit, county, state in plan.waiting:
            cadre = self._person(unit, county, woman=rng.random() < 0.15, young=rng.random() < 0.3, division=False, used_ids=used_ids)
            rows.append([cadre, county, None, state])
        # Two of guotu's applicants do not meet §二: refused at qualification.
        rejected = [r for r in rows if r[3] == "rejected"]
        rejected[0][0].political_status = Cadre.PoliticalStatus.PROBATIONARY
        rejected[1][0].work_start_date = datetime.date(2014, 7, 1)
        cadres_create(cadres=[r[0] for r in rows], by=None)

        tz = timezone.get_current_timezone()

        def day(m: int, d: int, h: int = 10) -> datetime.datetime:
            return datetime.datetime(2015, m, d, h, tzinfo=tz)

        by_unit = defaultdict(list)
        for r in rows:
            by_unit[r[0].unit_id].append(r)
        posting_of = {}
        for unit_id, unit_rows in by_unit.items():
            result = postings_apply(cadres=[r[0] for r in unit_rows], campaign=self.campaign, by=self.unit_users[unit_id], at=day(6, 10))
            if result.refused:
                raise RuntimeError(f"演示数据：报名被拒绝：{next(iter(result.refused.values()))}")
            for r, p in zip(unit_rows, result.done, strict=True):
                posting_of[id(r)] = p.pk
        order = ["applied", "qualified", "recommended", "approved", "filed", "in_office"]
        beyond = lambda r, state: r[3] not in ("rejected", "withdrawn") and order.index(r[3]) >= order.index(state)  # noqa: E731

        def grouped(select, actor_of, kwargs_of=lambda r: {}):
            out = defaultdict(list)
            for r in rows:
                if select(r):
                    out[actor_of(r)].append((posting_of[id(r)], kwargs_of(r)))
            return out

        unit_user = lambda r: self.unit_users[r[0].unit_id]  # noqa: E731
        counts = {"apply": len(rows)}
        counts["reject"] = self._run(
            "reject", grouped(lambda r: r[3] == "rejected", unit_user, lambda r: {"reason": "不符合选派基本条件"}), day(6, 18)
        )
        counts["withdraw"] = self._run(
            "withdraw", grouped(lambda r: r[3] == "withdrawn", unit_user, lambda r: {"reason": "本人因家庭原因申请撤回"}), day(6, 18)
        )
        counts["qualify"] = self._run("qualify", grouped(lambda r: beyond(r, "qualified"), unit_user), day(6, 20))
        counts["recommend"] = self._run(
            "recommend",
            grouped(
                lambda r: beyond(r, "recommended"),
                unit_user,
                lambda r: {"meeting_date": datetime.date(2015, 6, 26), "decision": "同意推荐", "county": r[1]},
            ),
            day(6, 28),
        )
        is_provincial = lambda r: r[0].unit.level == DispatchingUnit.Level.PROVINCE  # noqa: E731
        counts["approve"] = self._run(
            "approve", grouped(lambda r: beyond(r, "approved") and is_provincial(r), lambda r: self.poverty_office_user), day(7, 3)
        )
        counts["file"] = self._run("file", grouped(lambda r: beyond(r, "filed"), lambda r: self._filer(r[0].unit)), day(7, 8))
        county_user = lambda r: self.org_users[r[1].pk]  # noqa: E731

        def assignment(r):
            village = r[2]
            reason = (
                ""
                if village.is_registered_poor or r[0].unit.level == DispatchingUnit.Level.COUNTY
                else "该村为党组织软弱涣散村，经县委研究派驻"
            )
            return {"village": village, "reason": reason}

        counts["assign"] = self._run("assign", grouped(lambda r: r[3] == "in_office", county_user, assignment), day(7, 20))
        counts["take_office"] = self._run(
            "take_office",
            grouped(
                lambda r: r[3] == "in_office",
                county_user,
                # Arrivals spread over 1–15 August (all in post by the 15th, as Shanxi reported).
                lambda r: {"start_date": datetime.date(2015, 8, posting_of[id(r)] % 15 + 1), "party_relation_transferred": True},
            ),
            day(8, 15, 16),
        )
        return counts


@transaction.atomic
def load_demo_postings(*, province_user: User) -> dict[str, int]:
    """Load the demo's secretaries into the current campaign, once: a campaign that already has
    postings is left alone. Returns how many postings each action moved."""
    campaign = Campaign.objects.get(is_current=True)
    if Posting.objects.filter(campaign=campaign).exists():
        return {}
    builder = DemoBuilder(campaign, province_user)
    builder.plan = builder.plan_seats()
    builder.create_accounts()
    return builder.walk()
