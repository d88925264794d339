"""A synthetic CAL-ACCESS raw export with the real schema, realistic shares and values, amendments and traps.

The column lists are those of the state's export (the headers of the real sample). Filers file filings, most
never amended, some amended once or more (each amendment a full resubmission under the same FILING_ID with
the next AMEND_ID); transactions, summaries and memos attach to those filing versions with unique line
numbers. A small share of rows carries each trap found in the real export: tabs inside values, Ctrl-Z
fields, flattened smart quotes, "¿" for lost quotes, Windows-1252 bytes, a UTF-16 leftover with a NUL, stray
carriage returns, blank lines, impossible dates and mixed-case codes, unknown form IDs. Rows are written as
they are made (memory stays flat at any size), CRLF line ends, as a folder of TSV files or a zip laid out as
the state publishes it (CalAccess/DATA/*.TSV).

    .venv/bin/python bench/legacy_export.py OUT [--rows 1000000] [--zip] [--seed 7]
"""

from __future__ import annotations

import argparse
import random
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

HEADERS = {
    "FILERS_CD": ("FILER_ID"),
    "FILERNAME_CD": (
        "XREF_FILER_ID FILER_ID FILER_TYPE STATUS EFFECT_DT NAML NAMF NAMT NAMS ADR1 ADR2 CITY ST ZIP4 PHON FAX EMAIL"
    ),
    "FILER_XREF_CD": ("FILER_ID XREF_ID EFFECT_DT MIGRATION_SOURCE"),
    "FILER_FILINGS_CD": (
        "FILER_ID FILING_ID PERIOD_ID FORM_ID FILING_SEQUENCE FILING_DATE STMNT_TYPE STMNT_STATUS SESSION_ID "
        "USER_ID SPECIAL_AUDIT FINE_AUDIT RPT_START RPT_END RPT_DATE FILING_TYPE"
    ),
    "CVR_CAMPAIGN_DISCLOSURE_CD": (
        "FILING_ID AMEND_ID REC_TYPE FORM_TYPE FILER_ID ENTITY_CD FILER_NAML FILER_NAMF FILER_NAMT FILER_NAMS "
        "REPORT_NUM RPT_DATE STMT_TYPE LATE_RPTNO FROM_DATE THRU_DATE ELECT_DATE FILER_CITY FILER_ST "
        "FILER_ZIP4 FILER_PHON FILER_FAX FILE_EMAIL MAIL_CITY MAIL_ST MAIL_ZIP4 TRES_NAML TRES_NAMF TRES_NAMT "
        "TRES_NAMS TRES_CITY TRES_ST TRES_ZIP4 TRES_PHON TRES_FAX TRES_EMAIL CMTTE_TYPE CONTROL_YN SPONSOR_YN "
        "PRIMFRM_YN BRDBASE_YN AMENDEXP_1 AMENDEXP_2 AMENDEXP_3 RPT_ATT_CB CMTTE_ID REPORTNAME RPTFROMDT "
        "RPTTHRUDT EMPLBUS_CB BUS_NAME BUS_CITY BUS_ST BUS_ZIP4 BUS_INTER BUSACT_CB BUSACTVITY ASSOC_CB "
        "ASSOC_INT OTHER_CB OTHER_INT CAND_NAML CAND_NAMF CAND_NAMT CAND_NAMS CAND_CITY CAND_ST CAND_ZIP4 "
        "CAND_PHON CAND_FAX CAND_EMAIL BAL_NAME BAL_NUM BAL_JURIS OFFICE_CD OFFIC_DSCR JURIS_CD JURIS_DSCR "
        "DIST_NO OFF_S_H_CD SUP_OPP_CD EMPLOYER OCCUPATION SELFEMP_CB BAL_ID CAND_ID"
    ),
    "CVR2_CAMPAIGN_DISCLOSURE_CD": (
        "FILING_ID AMEND_ID LINE_ITEM REC_TYPE FORM_TYPE TRAN_ID ENTITY_CD TITLE MAIL_CITY MAIL_ST MAIL_ZIP4 "
        "F460_PART CMTE_ID ENTY_NAML ENTY_NAMF ENTY_NAMT ENTY_NAMS ENTY_CITY ENTY_ST ENTY_ZIP4 ENTY_PHON "
        "ENTY_FAX ENTY_EMAIL TRES_NAML TRES_NAMF TRES_NAMT TRES_NAMS CONTROL_YN OFFICE_CD OFFIC_DSCR JURIS_CD "
        "JURIS_DSCR DIST_NO OFF_S_H_CD BAL_NAME BAL_NUM BAL_JURIS SUP_OPP_CD"
    ),
    "CVR3_VERIFICATION_INFO_CD": (
        "FILING_ID AMEND_ID LINE_ITEM REC_TYPE FORM_TYPE TRAN_ID ENTITY_CD SIG_DATE SIG_LOC SIG_NAML SIG_NAMF "
        "SIG_NAMT SIG_NAMS"
    ),
    "CVR_LOBBY_DISCLOSURE_CD": (
        "FILING_ID AMEND_ID REC_TYPE FORM_TYPE SENDER_ID FILER_ID ENTITY_CD FILER_NAML FILER_NAMF FILER_NAMT "
        "FILER_NAMS REPORT_NUM RPT_DATE FROM_DATE THRU_DATE CUM_BEG_DT FIRM_ID FIRM_NAME FIRM_CITY FIRM_ST "
        "FIRM_ZIP4 FIRM_PHON MAIL_CITY MAIL_ST MAIL_ZIP4 MAIL_PHON SIG_DATE SIG_LOC SIG_NAML SIG_NAMF "
        "SIG_NAMT SIG_NAMS PRN_NAML PRN_NAMF PRN_NAMT PRN_NAMS SIG_TITLE NOPART1_CB NOPART2_CB PART1_1_CB "
        "PART1_2_CB CTRIB_N_CB CTRIB_Y_CB LBY_ACTVTY LOBBY_N_CB LOBBY_Y_CB MAJOR_NAML MAJOR_NAMF MAJOR_NAMT "
        "MAJOR_NAMS RCPCMTE_NM RCPCMTE_ID"
    ),
    "CVR_REGISTRATION_CD": (
        "FILING_ID AMEND_ID REC_TYPE FORM_TYPE SENDER_ID FILER_ID ENTITY_CD FILER_NAML FILER_NAMF FILER_NAMT "
        "FILER_NAMS REPORT_NUM RPT_DATE LS_BEG_YR LS_END_YR QUAL_DATE EFF_DATE BUS_CITY BUS_ST BUS_ZIP4 "
        "BUS_PHON BUS_FAX BUS_EMAIL MAIL_CITY MAIL_ST MAIL_ZIP4 MAIL_PHON SIG_DATE SIG_LOC SIG_NAML SIG_NAMF "
        "SIG_NAMT SIG_NAMS PRN_NAML PRN_NAMF PRN_NAMT PRN_NAMS SIG_TITLE STMT_FIRM IND_CB BUS_CB TRADE_CB "
        "OTH_CB A_B_NAME A_B_CITY A_B_ST A_B_ZIP4 DESCRIP_1 DESCRIP_2 C_LESS50 C_MORE50 IND_CLASS IND_DESCR "
        "BUS_CLASS BUS_DESCR AUTH_NAME AUTH_CITY AUTH_ST AUTH_ZIP4 LOBBY_INT INFLUEN_YN FIRM_NAME NEWCERT_CB "
        "RENCERT_CB COMPLET_DT LBY_REG_CB LBY_604_CB ST_LEG_YN ST_AGENCY LOBBY_CB L_FIRM_CB"
    ),
    "RCPT_CD": (
        "FILING_ID AMEND_ID LINE_ITEM REC_TYPE FORM_TYPE TRAN_ID ENTITY_CD CTRIB_NAML CTRIB_NAMF CTRIB_NAMT "
        "CTRIB_NAMS CTRIB_CITY CTRIB_ST CTRIB_ZIP4 CTRIB_EMP CTRIB_OCC CTRIB_SELF TRAN_TYPE RCPT_DATE "
        "DATE_THRU AMOUNT CUM_YTD CUM_OTH CTRIB_DSCR CMTE_ID TRES_NAML TRES_NAMF TRES_NAMT TRES_NAMS "
        "TRES_CITY TRES_ST TRES_ZIP4 INTR_NAML INTR_NAMF INTR_NAMT INTR_NAMS INTR_CITY INTR_ST INTR_ZIP4 "
        "INTR_EMP INTR_OCC INTR_SELF CAND_NAML CAND_NAMF CAND_NAMT CAND_NAMS OFFICE_CD OFFIC_DSCR JURIS_CD "
        "JURIS_DSCR DIST_NO OFF_S_H_CD BAL_NAME BAL_NUM BAL_JURIS SUP_OPP_CD MEMO_CODE MEMO_REFNO BAKREF_TID "
        "XREF_SCHNM XREF_MATCH INT_RATE INTR_CMTEID"
    ),
    "EXPN_CD": (
        "FILING_ID AMEND_ID LINE_ITEM REC_TYPE FORM_TYPE TRAN_ID ENTITY_CD PAYEE_NAML PAYEE_NAMF PAYEE_NAMT "
        "PAYEE_NAMS PAYEE_CITY PAYEE_ST PAYEE_ZIP4 EXPN_DATE AMOUNT CUM_YTD CUM_OTH EXPN_CHKNO EXPN_CODE "
        "EXPN_DSCR AGENT_NAML AGENT_NAMF AGENT_NAMT AGENT_NAMS CMTE_ID TRES_NAML TRES_NAMF TRES_NAMT "
        "TRES_NAMS TRES_CITY TRES_ST TRES_ZIP4 CAND_NAML CAND_NAMF CAND_NAMT CAND_NAMS OFFICE_CD OFFIC_DSCR "
        "JURIS_CD JURIS_DSCR DIST_NO OFF_S_H_CD BAL_NAME BAL_NUM BAL_JURIS SUP_OPP_CD MEMO_CODE MEMO_REFNO "
        "BAKREF_TID G_FROM_E_F XREF_SCHNM XREF_MATCH"
    ),
    "LOAN_CD": (
        "FILING_ID AMEND_ID LINE_ITEM REC_TYPE FORM_TYPE TRAN_ID LOAN_TYPE ENTITY_CD LNDR_NAML LNDR_NAMF "
        "LNDR_NAMT LNDR_NAMS LOAN_CITY LOAN_ST LOAN_ZIP4 LOAN_DATE1 LOAN_DATE2 LOAN_AMT1 LOAN_AMT2 LOAN_AMT3 "
        "LOAN_AMT4 LOAN_RATE LOAN_EMP LOAN_OCC LOAN_SELF CMTE_ID TRES_NAML TRES_NAMF TRES_NAMT TRES_NAMS "
        "TRES_CITY TRES_ST TRES_ZIP4 INTR_NAML INTR_NAMF INTR_NAMT INTR_NAMS INTR_CITY INTR_ST INTR_ZIP4 "
        "MEMO_CODE MEMO_REFNO BAKREF_TID XREF_SCHNM XREF_MATCH LOAN_AMT5 LOAN_AMT6 LOAN_AMT7 LOAN_AMT8"
    ),
    "DEBT_CD": (
        "FILING_ID AMEND_ID LINE_ITEM REC_TYPE FORM_TYPE TRAN_ID ENTITY_CD PAYEE_NAML PAYEE_NAMF PAYEE_NAMT "
        "PAYEE_NAMS PAYEE_CITY PAYEE_ST PAYEE_ZIP4 BEG_BAL AMT_INCUR AMT_PAID END_BAL EXPN_CODE EXPN_DSCR "
        "CMTE_ID TRES_NAML TRES_NAMF TRES_NAMT TRES_NAMS TRES_CITY TRES_ST TRES_ZIP4 MEMO_CODE MEMO_REFNO "
        "BAKREF_TID XREF_SCHNM XREF_MATCH"
    ),
    "S496_CD": (
        "FILING_ID AMEND_ID LINE_ITEM REC_TYPE FORM_TYPE TRAN_ID AMOUNT EXP_DATE EXPN_DSCR MEMO_CODE "
        "MEMO_REFNO DATE_THRU"
    ),
    "S497_CD": (
        "FILING_ID AMEND_ID LINE_ITEM REC_TYPE FORM_TYPE TRAN_ID ENTITY_CD ENTY_NAML ENTY_NAMF ENTY_NAMT "
        "ENTY_NAMS ENTY_CITY ENTY_ST ENTY_ZIP4 CTRIB_EMP CTRIB_OCC CTRIB_SELF ELEC_DATE CTRIB_DATE DATE_THRU "
        "AMOUNT CMTE_ID CAND_NAML CAND_NAMF CAND_NAMT CAND_NAMS OFFICE_CD OFFIC_DSCR JURIS_CD JURIS_DSCR "
        "DIST_NO OFF_S_H_CD BAL_NAME BAL_NUM BAL_JURIS MEMO_CODE MEMO_REFNO BAL_ID CAND_ID SUP_OFF_CD "
        "SUP_OPP_CD"
    ),
    "S498_CD": (
        "FILING_ID AMEND_ID LINE_ITEM REC_TYPE FORM_TYPE TRAN_ID ENTITY_CD CMTE_ID PAYOR_NAML PAYOR_NAMF "
        "PAYOR_NAMT PAYOR_NAMS PAYOR_CITY PAYOR_ST PAYOR_ZIP4 DATE_RCVD AMT_RCVD CAND_NAML CAND_NAMF "
        "CAND_NAMT CAND_NAMS OFFICE_CD OFFIC_DSCR JURIS_CD JURIS_DSCR DIST_NO OFF_S_H_CD BAL_NAME BAL_NUM "
        "BAL_JURIS SUP_OPP_CD AMT_ATTRIB MEMO_CODE MEMO_REFNO EMPLOYER OCCUPATION SELFEMP_CB"
    ),
    "SMRY_CD": ("FILING_ID AMEND_ID LINE_ITEM REC_TYPE FORM_TYPE AMOUNT_A AMOUNT_B AMOUNT_C ELEC_DT"),
    "SPLT_CD": ("FILING_ID AMEND_ID LINE_ITEM PFORM_TYPE PTRAN_ID ELEC_DATE ELEC_AMOUNT ELEC_CODE"),
    "TEXT_MEMO_CD": ("FILING_ID AMEND_ID LINE_ITEM REC_TYPE FORM_TYPE REF_NO TEXT4000"),
    "LPAY_CD": (
        "FILING_ID AMEND_ID LINE_ITEM REC_TYPE FORM_TYPE TRAN_ID ENTITY_CD EMPLR_NAML EMPLR_NAMF EMPLR_NAMT "
        "EMPLR_NAMS EMPLR_CITY EMPLR_ST EMPLR_ZIP4 EMPLR_PHON LBY_ACTVTY FEES_AMT REIMB_AMT ADVAN_AMT "
        "ADVAN_DSCR PER_TOTAL CUM_TOTAL MEMO_CODE MEMO_REFNO BAKREF_TID EMPLR_ID"
    ),
    "LEXP_CD": (
        "FILING_ID AMEND_ID LINE_ITEM REC_TYPE FORM_TYPE TRAN_ID RECSUBTYPE ENTITY_CD PAYEE_NAML PAYEE_NAMF "
        "PAYEE_NAMT PAYEE_NAMS PAYEE_CITY PAYEE_ST PAYEE_ZIP4 CREDCARDCO BENE_NAME BENE_POSIT BENE_AMT "
        "EXPN_DSCR EXPN_DATE AMOUNT MEMO_CODE MEMO_REFNO BAKREF_TID"
    ),
    "LCCM_CD": (
        "FILING_ID AMEND_ID LINE_ITEM REC_TYPE FORM_TYPE TRAN_ID ENTITY_CD RECIP_NAML RECIP_NAMF RECIP_NAMT "
        "RECIP_NAMS RECIP_CITY RECIP_ST RECIP_ZIP4 RECIP_ID CTRIB_NAML CTRIB_NAMF CTRIB_NAMT CTRIB_NAMS "
        "CTRIB_DATE AMOUNT MEMO_CODE MEMO_REFNO BAKREF_TID"
    ),
    "LOTH_CD": (
        "FILING_ID AMEND_ID LINE_ITEM REC_TYPE FORM_TYPE TRAN_ID FIRM_NAME FIRM_CITY FIRM_ST FIRM_ZIP4 "
        "FIRM_PHON SUBJ_NAML SUBJ_NAMF SUBJ_NAMT SUBJ_NAMS PMT_DATE AMOUNT CUM_AMT MEMO_CODE MEMO_REFNO"
    ),
    "LEMP_CD": (
        "FILING_ID AMEND_ID LINE_ITEM REC_TYPE FORM_TYPE CLIENT_ID CLI_NAML CLI_NAMF CLI_NAMT CLI_NAMS "
        "CLI_CITY CLI_ST CLI_ZIP4 CLI_PHON EFF_DATE CON_PERIOD AGENCYLIST DESCRIP SUBFIRM_ID SUB_NAME "
        "SUB_CITY SUB_ST SUB_ZIP4 SUB_PHON"
    ),
    "LOOKUP_CODES_CD": ("CODE_TYPE CODE_ID CODE_DESC"),
    "FILING_PERIOD_CD": ("PERIOD_ID START_DATE END_DATE PERIOD_TYPE PER_GRP_TYPE PERIOD_DESC DEADLINE"),
    "NAMES_CD": ("NAMID NAML NAMF NAMT NAMS MONIKER MONIKER_POS NAMM FULLNAME NAML_SEARCH"),
}
COLUMNS: dict[str, list[str]] = {table: header.split() for table, header in HEADERS.items()}

SHARES = {
    "RCPT_CD": 0.30,
    "EXPN_CD": 0.18,
    "SMRY_CD": 0.10,
    "S497_CD": 0.06,
    "TEXT_MEMO_CD": 0.03,
    "LOAN_CD": 0.02,
    "DEBT_CD": 0.02,
    "SPLT_CD": 0.02,
    "CVR2_CAMPAIGN_DISCLOSURE_CD": 0.02,
    "CVR3_VERIFICATION_INFO_CD": 0.02,
    "LPAY_CD": 0.02,
    "LEXP_CD": 0.02,
    "LCCM_CD": 0.015,
    "LOTH_CD": 0.005,
    "LEMP_CD": 0.01,
    "S496_CD": 0.005,
    "S498_CD": 0.005,
    "NAMES_CD": 0.01,
}
"""Shares of the transaction and other tables in the rows asked for (about as in the 2016 export)."""
FILINGS_SHARE, FILERS_SHARE = 0.05, 0.008
"""Distinct filings and filers per row asked for; each filing version has a FILER_FILINGS_CD and a cover row."""
LOOKUP_CODES, FILING_PERIODS = 1_130, 1_448

FORM_TYPES = {
    "RCPT_CD": ("A", "A", "A", "A", "C", "I", "F496P3"),
    "EXPN_CD": ("E", "E", "E", "D", "G", "F461P5"),
    "LOAN_CD": ("B1", "B1", "B2", "H"),
    "DEBT_CD": ("F",),
    "S496_CD": ("F496",),
    "S497_CD": ("F497P1", "F497P1", "F497P2"),
    "S498_CD": ("F498-A", "F498-R"),
    "SMRY_CD": ("F460", "F460", "A", "B1", "E", "F"),
    "TEXT_MEMO_CD": ("A", "E", "F460"),
    "LPAY_CD": ("F625P2", "F635P3B"),
    "LEXP_CD": ("F615P1", "F635P3C", "F635P3C"),
    "LCCM_CD": ("F615P2", "F635P4B"),
    "LOTH_CD": ("F625P3B",),
    "LEMP_CD": ("F601P2A", "F601P2B"),
    "CVR2_CAMPAIGN_DISCLOSURE_CD": ("F460",),
    "CVR3_VERIFICATION_INFO_CD": ("F460",),
}
LOBBYING = frozenset({"LPAY_CD", "LEXP_CD", "LCCM_CD", "LOTH_CD", "LEMP_CD"})
CAMPAIGN_FORMS = ("F460", "F460", "F460", "F497", "F497", "F410", "F461", "F496", "F450", "F501")
LOBBYING_FORMS = ("F635", "F635", "F625", "F615", "F603", "F601")
LAST_NAMES = ("Garcia", "Nguyen", "Smith", "Johnson", "Lee", "Martinez", "Brown", "Kim", "Patel", "Lopez")
FIRST_NAMES = ("Maria", "James", "Linda", "Robert", "Ana", "David", "Susan", "Wei", "Carlos", "Emily")
CITIES = ("Sacramento", "Los Angeles", "San Diego", "Fresno", "Oakland", "San Jose", "Riverside", "Eureka")
WORDS = ("Committee", "Friends of", "Californians for", "Fund", "Association", "PAC", "Yes on", "Coalition")
ENTITY_CODES = ("IND", "IND", "IND", "COM", "OTH", "RCP", "SCC", "PTY")
STATEMENT_TYPES = ("SA", "SA", "PE", "QT", "TS", "sa", "pe", "qt")
"""Lower-case codes occur in the real export too."""
IMPOSSIBLE_DATES = ("12/28/1006 12:00:00 AM", "11/18/5201 12:00:00 AM", "1/1/1900 12:00:00 AM", "12/3/0104 12:00:00 AM")
TRAP_RATE = 0.002
"""Share of rows carrying one trap (spread across the kinds below)."""


def is_date(column: str) -> bool:
    return "DATE" in column or column.endswith("DT") or column in ("RPT_START", "RPT_END", "DEADLINE")


def is_amount(column: str) -> bool:
    return ("AMOUNT" in column or "AMT" in column) and not column.endswith("NAMT") or column.startswith("CUM_")


class Export:
    """Writes the export's tables one after the other; `rows` counts the data lines written per table."""

    def __init__(self, rows: int, seed: int) -> None:
        self.random = random.Random(seed)
        self.filings = max(20, int(rows * FILINGS_SHARE))
        self.filers = max(10, int(rows * FILERS_SHARE))
        self.total = rows
        self.rows: dict[str, int] = {}
        self.dates = [
            f"{self.random.randint(1, 12)}/{self.random.randint(1, 28)}/{self.random.randint(2000, 2017)} 12:00:00 AM"
            for _ in range(400)
        ]
        self.amounts = [
            f"{self.random.lognormvariate(5, 1.4):.2f}" if draw < 0.6 else str(self.random.randint(1, 5000))
            for draw in (self.random.random() for _ in range(400))
        ]

    def amendments(self, filing: int) -> int:
        """How many times filing number `filing` was amended: most never, some once, a few more."""
        draw = (filing * 2654435761) % 100
        return 0 if draw < 72 else 1 if draw < 92 else 2 if draw < 98 else 4

    def filing_id(self, filing: int) -> str:
        return str(100_000 + filing)

    def filer_id(self, filer: int) -> str:
        return str(1_000_000 + filer)

    def value(self, column: str) -> str:
        """A plausible value of a column that is not a key, blank as often as in the real export."""
        draw = self.random.random()
        if is_date(column):
            return self.random.choice(self.dates) if draw < 0.7 else ""
        if is_amount(column):
            return self.random.choice(self.amounts) if draw < 0.8 else ""
        if column.endswith("NAML"):
            return self.random.choice(LAST_NAMES) if draw < 0.8 else ""
        if column.endswith("NAMF"):
            return self.random.choice(FIRST_NAMES) if draw < 0.6 else ""
        if column.endswith("CITY"):
            return self.random.choice(CITIES) if draw < 0.7 else ""
        if column.endswith("_ST") or column == "ST":
            return "CA" if draw < 0.7 else ""
        if column.endswith("ZIP4"):
            return f"9{self.random.randint(0, 6999):04d}" if draw < 0.7 else ""
        if column == "ENTITY_CD":
            return self.random.choice(ENTITY_CODES)
        if column == "STMT_TYPE":
            return self.random.choice(STATEMENT_TYPES)
        if column.endswith(("_CD", "CODE", "_YN", "_CB")):
            return self.random.choice(("X", "S", "O", "N")) if draw < 0.3 else ""
        if "DSCR" in column or "DESC" in column or column == "TEXT4000":
            return f"{self.random.choice(WORDS)} {self.random.choice(CITIES)} outreach" if draw < 0.4 else ""
        return "" if draw < 0.75 else self.random.choice(WORDS)

    def line(self, columns: list[str], values: dict[str, str]) -> bytes:
        fields = [values[c] if c in values else self.value(c) for c in columns]
        ending = b"\r\n"
        if self.random.random() < TRAP_RATE:
            fields, ending = self.trap(columns, fields)
        return "\t".join(fields).encode("utf-8", "surrogateescape") + ending

    def trap(self, columns: list[str], fields: list[str]) -> tuple[list[str], bytes]:
        """One of the damages found in the real export, applied to a row."""
        kind = self.random.randrange(9)
        text_columns = [i for i, c in enumerate(columns) if "NAML" in c or "DSCR" in c or c == "TEXT4000"]
        last = len(fields) - 1
        if kind == 0 and text_columns:
            index = text_columns[-1]
            fields[index] = f"{fields[index] or 'Mailer'}\t(Cumulative: $31,125.00)"
        elif kind == 1:
            fields[last] = "\x1a"
        elif kind == 2 and text_columns:
            fields[text_columns[0]] = "Governor\x12s Office \x16 Yes on 1"
        elif kind == 3 and text_columns:
            fields[text_columns[0]] = "Governor\u00bfs Office"
        elif kind == 4 and text_columns:
            # A Windows-1252 byte (0xE9), written raw through surrogateescape.
            fields[text_columns[0]] = "Caf\udce9 Society"
        elif kind == 5 and text_columns:
            fields[text_columns[0]] = "Governorb\x00\x19s Office"
        elif kind == 6:
            return fields, b"\r\r\n"
        elif kind == 7:
            dates = [i for i, c in enumerate(columns) if is_date(c)]
            if dates:
                fields[self.random.choice(dates)] = self.random.choice(IMPOSSIBLE_DATES)
        elif kind == 8 and len(fields) > 4:
            fields[2] = f"{fields[2]}\t\t"
        return fields, b"\r\n"

    def tables(self) -> Iterator[tuple[str, Iterator[bytes]]]:
        yield "FILERS_CD", self.filer_rows()
        yield "FILERNAME_CD", self.name_rows()
        yield "FILER_XREF_CD", self.xref_rows()
        yield "FILER_FILINGS_CD", self.filing_rows()
        yield "CVR_CAMPAIGN_DISCLOSURE_CD", self.cover_rows("CVR_CAMPAIGN_DISCLOSURE_CD", lobbying=False)
        yield "CVR_LOBBY_DISCLOSURE_CD", self.cover_rows("CVR_LOBBY_DISCLOSURE_CD", lobbying=True)
        for table, share in SHARES.items():
            yield table, self.item_rows(table, int(self.total * share))
        yield "LOOKUP_CODES_CD", self.lookup_rows()
        yield "FILING_PERIOD_CD", self.period_rows()

    def filer_rows(self) -> Iterator[bytes]:
        for filer in range(self.filers):
            yield self.line(COLUMNS["FILERS_CD"], {"FILER_ID": self.filer_id(filer)})

    def name_rows(self) -> Iterator[bytes]:
        types = ("RECIPIENT COMMITTEE", "CANDIDATE/OFFICEHOLDER", "LOBBYIST", "EMPLOYER", "FIRM", " NOT DEFINED")
        for filer in range(self.filers):
            for version in range(1 + (filer % 7 == 0)):
                values = {
                    "FILER_ID": self.filer_id(filer),
                    "XREF_FILER_ID": f"C{20_000 + filer}",
                    "FILER_TYPE": types[filer % len(types)],
                    "STATUS": ("ACTIVE", "TERMINATED", "R")[(filer + version) % 3],
                    "EFFECT_DT": f"{1 + filer % 12:02d}/01/{2001 + version + filer % 15}",
                    "NAML": f"{self.random.choice(WORDS)} {self.random.choice(LAST_NAMES)} {filer}",
                }
                yield self.line(COLUMNS["FILERNAME_CD"], values)

    def xref_rows(self) -> Iterator[bytes]:
        for filer in range(0, self.filers, 3):
            values = {"FILER_ID": self.filer_id(filer), "XREF_ID": f"{filer:06d}", "MIGRATION_SOURCE": "IDENTFIX"}
            yield self.line(COLUMNS["FILER_XREF_CD"], values)

    def form(self, filing: int) -> tuple[str, bool]:
        lobbying = filing % 6 == 5
        forms = LOBBYING_FORMS if lobbying else CAMPAIGN_FORMS
        return forms[(filing // 6) % len(forms)], lobbying

    def filing_rows(self) -> Iterator[bytes]:
        for filing in range(self.filings):
            form, _ = self.form(filing)
            for amendment in range(self.amendments(filing) + 1):
                values = {
                    "FILER_ID": self.filer_id(filing % self.filers),
                    "FILING_ID": self.filing_id(filing),
                    "FORM_ID": "F999" if filing % 997 == 13 else form,
                    "FILING_SEQUENCE": str(amendment),
                }
                yield self.line(COLUMNS["FILER_FILINGS_CD"], values)

    def cover_rows(self, table: str, *, lobbying: bool) -> Iterator[bytes]:
        for filing in range(self.filings):
            form, is_lobbying = self.form(filing)
            if is_lobbying != lobbying:
                continue
            for amendment in range(self.amendments(filing) + 1):
                values = {
                    "FILING_ID": self.filing_id(filing),
                    "AMEND_ID": str(amendment),
                    "REC_TYPE": "CVR",
                    "FORM_TYPE": form,
                    "FILER_ID": self.filer_id(filing % self.filers),
                }
                yield self.line(COLUMNS[table], values)

    def item_rows(self, table: str, count: int) -> Iterator[bytes]:
        columns = COLUMNS[table]
        lobbying = table in LOBBYING
        forms = FORM_TYPES.get(table, ("A",))
        stem = table.removesuffix("_CD").split("_")[0]
        filings = [f for f in range(self.filings) if self.form(f)[1] == lobbying] or [0]
        for number in range(count):
            filing = filings[(number * 7919) % len(filings)]
            line = number // len(filings) + 1
            values = {
                "FILING_ID": self.filing_id(filing),
                "AMEND_ID": str(self.amendments(filing) - (number % 2 if self.amendments(filing) else 0)),
                "LINE_ITEM": str(line),
                "REC_TYPE": stem,
                "FORM_TYPE": forms[number % len(forms)] if table not in ("SMRY_CD", "TEXT_MEMO_CD") else forms[0],
                "PFORM_TYPE": "A",
                "TRAN_ID": f"{stem}{number}",
                "NAMID": str(number),
            }
            yield self.line(columns, values)

    def lookup_rows(self) -> Iterator[bytes]:
        for code in range(LOOKUP_CODES):
            values = {"CODE_TYPE": str(10_000 * (1 + code // 100)), "CODE_ID": str(10_000 * (1 + code // 100) + code)}
            values["CODE_DESC"] = f"{self.random.choice(WORDS).upper()} {code}"
            yield self.line(COLUMNS["LOOKUP_CODES_CD"], values)

    def period_rows(self) -> Iterator[bytes]:
        for period in range(FILING_PERIODS):
            year = 2000 + period // 4
            values = {
                "PERIOD_ID": str(period + 1),
                "START_DATE": f"{1 + 3 * (period % 4)}/1/{year} 12:00:00 AM",
                "END_DATE": f"{3 + 3 * (period % 4)}/28/{year} 12:00:00 AM",
                "PERIOD_TYPE": "1500",
                "PER_GRP_TYPE": "1500",
                "PERIOD_DESC": f"QUARTER {1 + period % 4}",
                "DEADLINE": f"{3 + 3 * (period % 4)}/28/{year} 12:00:00 AM",
            }
            yield self.line(COLUMNS["FILING_PERIOD_CD"], values)


@contextmanager
def table_writer(out: Path, archive: zipfile.ZipFile | None, table: str) -> Iterator[BinaryIO]:
    if archive is not None:
        with archive.open(f"CalAccess/DATA/{table}.TSV", "w", force_zip64=True) as member:
            yield member
    else:
        with (out / f"{table}.TSV").open("wb", buffering=1 << 20) as file:
            yield file


def generate(out: Path, rows: int, *, as_zip: bool = False, seed: int = 7) -> dict[str, int]:
    """Write an export of about `rows` data lines into folder `out` (or `out` as a zip); lines per table."""
    export = Export(rows, seed)
    archive = zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) if as_zip else None
    if archive is None:
        out.mkdir(parents=True, exist_ok=True)
    written: dict[str, int] = {}
    try:
        for table, lines in export.tables():
            with table_writer(out, archive, table) as stream:
                stream.write("\t".join(COLUMNS[table]).encode() + b"\r\n")
                count, chunk = 0, []
                for line in lines:
                    chunk.append(line)
                    count += 1
                    if count % 10_000 == 0 and export.random.random() < 0.5:
                        chunk.append(b"\r\n")
                        count += 1
                    if len(chunk) >= 5_000:
                        stream.write(b"".join(chunk))
                        chunk = []
                stream.write(b"".join(chunk))
                written[table] = count
    finally:
        if archive is not None:
            archive.close()
    return written


def main() -> int:
    arguments = argparse.ArgumentParser(description="Write a synthetic CAL-ACCESS raw export.")
    arguments.add_argument("out", type=Path, help="folder to write the TSV files into (a zip file with --zip)")
    arguments.add_argument("--rows", type=int, default=100_000, help="about how many data lines in all")
    arguments.add_argument("--zip", action="store_true", help="write dbwebexport.zip's layout into OUT")
    arguments.add_argument("--seed", type=int, default=7)
    options = arguments.parse_args()
    written = generate(options.out, options.rows, as_zip=options.zip, seed=options.seed)
    print(f"legacy_export: {sum(written.values()):,} data lines in {len(written)} tables written to {options.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
