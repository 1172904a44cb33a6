from pathlib import Path

from django.core.management.base import BaseCommand

from dispatch.reference import load_campaign_2015
from villages.services import REGIONS_FIXTURE, VILLAGES_FIXTURE, read_region_fixture, read_village_fixture, regions_load, villages_load


class Command(BaseCommand):
    help = (
        "Load the reference data from the committed fixtures: Shanxi's province, 11 cities, 121 "
        "county-level units, 1,352 townships and 21,895 village-level units (by division code), and "
        "the 2015 campaign of 晋组通字〔2015〕41号 with the units and quotas of its 附表2. Village "
        "categories are not reference data and are never touched. Running it again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--regions", type=Path, default=REGIONS_FIXTURE, help=f"region fixture (default: {REGIONS_FIXTURE})")
        parser.add_argument("--villages", type=Path, default=VILLAGES_FIXTURE, help=f"village fixture (default: {VILLAGES_FIXTURE})")
        parser.add_argument("--no-villages", action="store_true", help="load the regions only (and the campaign)")

    def handle(self, *args, regions: Path, villages: Path, no_villages: bool, **options):
        self.stdout.write(f"行政区划：{regions_load(rows=read_region_fixture(regions))}")
        if not no_villages:
            self.stdout.write(f"村：{villages_load(rows=read_village_fixture(villages))}")
        self.stdout.write(f"2015年选派批次及附表2名额：{load_campaign_2015()}")
