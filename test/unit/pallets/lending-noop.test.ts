/**
 * Every call of the lending pallets that fails leaves the state unchanged: dispatched alone (FRAME's `assert_noop!`:
 * the trie root of the block's changes is the same before and after), and included as signed extrinsics by the
 * executive (only fees, nonces and the ExtrinsicFailed events change: every credit pallet's storage is identical).
 */
import { describe, expect, it } from 'vitest';
import type { KeyringPair } from '@polkadot/keyring/types';
import { toHexRaw } from '../../../src/primitives/bytes.js';
import { twox128 } from '../../../src/primitives/hashing.js';
import type { StateReader } from '../../../src/runtime/state.js';
import { DEFAULT_LOANS_PARAMS } from '../../../src/pallets/loans/index.js';
import { defaultBankParams } from '../../../src/pallets/banks/params.js';
import { CreditChain, checkCreditInvariantsAfterEach, PRICE_ONE, U, XFG } from './credit-harness.js';

checkCreditInvariantsAfterEach();

/** Every key-value of the credit pallets' storage, as hex. */
function creditStorage(st: StateReader): Map<string, string> {
  const out = new Map<string, string>();
  for (const pallet of ['Udst', 'Oracle', 'Certificates', 'Banks', 'Loans', 'Auctions']) {
    const prefix = twox128(new TextEncoder().encode(pallet));
    let k = st.nextKey(prefix);
    while (k !== undefined && prefix.every((b, i) => k![i] === b)) {
      out.set(toHexRaw(k), toHexRaw(st.get(k)!));
      k = st.nextKey(k);
    }
  }
  return out;
}

describe('failing lending calls change nothing', () => {
  it('each refused call, dispatched alone and in a block of signed extrinsics', async () => {
    const c = await CreditChain.create();
    const { alice, bob, charlie, dave, eve } = c.keys;
    const strong = c.lock(bob, 3_000n * XFG);
    const spare = c.lock(bob, 100n * XFG);
    const bobLoan = c.borrow(bob, 1_000n * U, [strong]);
    const daveLoan = c.borrow(dave, 1_000n * U, [c.lock(dave, 1_500n * XFG)]);
    const eveCert = c.lock(eve, 100n * XFG);
    const big = c.lock(charlie, 20_000n * XFG);
    const applied = c.ok(charlie, 'Loans', 'apply', { bank: 0, kind: { tag: 'Production' }, amount: 5_000n * U, termDays: 30, certificates: [big], purpose: new Uint8Array() });
    const pending = (applied.records.find((r) => r.event.value.tag === 'Applied')!.event.value.value as { applicationId: bigint }).applicationId;
    c.feed((PRICE_ONE * 60n) / 100n);
    c.produce([]);
    const auctionId = c.loan(daveLoan).liquidation!.auctionId;
    const owed = c.status(bobLoan, c.t).total;

    const cases: Array<[KeyringPair | 'root', string, string, Record<string, unknown>, string]> = [
      [eve, 'Banks', 'admitMember', { bank: 0, who: eve.publicKey }, 'Banks.NotOfficer'],
      [alice, 'Banks', 'removeMember', { bank: 0, who: eve.publicKey }, 'Banks.NotMember'],
      [alice, 'Banks', 'unblacklist', { bank: 0, who: eve.publicKey }, 'Banks.NotBlacklisted'],
      [eve, 'Banks', 'deposit', { bank: 0, amount: 0n }, 'Banks.ZeroAmount'],
      [eve, 'Banks', 'deposit', { bank: 9, amount: 5n }, 'Banks.UnknownBank'],
      [alice, 'Banks', 'withdraw', { bank: 0, shares: 100_000n * U + 1n }, 'Banks.InsufficientShares'],
      [alice, 'Banks', 'setParams', { bank: 0, params: defaultBankParams(6) }, 'BadOrigin'],
      ['root', 'Banks', 'setCreditCeiling', { bank: 0, creditCeiling: 10n ** 30n }, 'Banks.ParamOutOfBounds'],
      [eve, 'Loans', 'apply', { bank: 0, kind: { tag: 'General' }, amount: 10n * U, termDays: 30, certificates: [eveCert], purpose: new Uint8Array() }, 'Loans.NotMember'],
      [bob, 'Loans', 'apply', { bank: 0, kind: { tag: 'General' }, amount: 10n * U, termDays: 30, certificates: [strong], purpose: new Uint8Array() }, 'Loans.CertificatePledged'],
      [charlie, 'Loans', 'draw', { applicationId: pending }, 'Loans.InvalidApplicationStatus'],
      [bob, 'Loans', 'approve', { applicationId: pending }, 'Loans.NotOfficer'],
      [alice, 'Loans', 'startReview', { applicationId: 77n }, 'Loans.UnknownApplication'],
      [bob, 'Loans', 'cancel', { applicationId: pending }, 'Loans.NotBorrower'],
      [bob, 'Loans', 'repay', { loanId: bobLoan, amount: owed + 1_000n * U }, 'Loans.Overpayment'],
      [bob, 'Loans', 'repay', { loanId: bobLoan, amount: 0n }, 'Loans.ZeroAmount'],
      [charlie, 'Loans', 'repayAll', { loanId: bobLoan }, 'Loans.NotBorrower'],
      [dave, 'Loans', 'repayAll', { loanId: daveLoan }, 'Loans.LiquidationInProgress'],
      [bob, 'Loans', 'addCollateral', { loanId: bobLoan, certificate: eveCert }, 'Loans.NotCertificateOwner'],
      [bob, 'Loans', 'withdrawCollateral', { loanId: bobLoan, certificate: strong }, 'Loans.LastCertificate'],
      [bob, 'Loans', 'withdrawCollateral', { loanId: bobLoan, certificate: spare }, 'Loans.CertificateNotPledged'],
      [eve, 'Loans', 'check', { loanId: 55n }, 'Loans.UnknownLoan'],
      [bob, 'Loans', 'requestRestructure', { loanId: bobLoan, extraDays: 0 }, 'Loans.InvalidExtension'],
      [alice, 'Loans', 'approveRestructure', { loanId: bobLoan }, 'Loans.NoRestructureRequest'],
      [bob, 'Loans', 'setParams', { params: DEFAULT_LOANS_PARAMS }, 'BadOrigin'],
      ['root', 'Loans', 'setParams', { params: { ...DEFAULT_LOANS_PARAMS, liquidationTargetBps: 12_000n } }, 'Loans.ParamStepTooLarge'],
      ['root', 'Loans', 'setParams', { params: { ...DEFAULT_LOANS_PARAMS, hardFloorRatioBps: 11_000n } }, 'Loans.InconsistentParams'],
      [eve, 'Auctions', 'bid', { auctionId, maxXfg: XFG, maxPrice: 1n }, 'Auctions.PriceAboveMax'],
      [eve, 'Auctions', 'bid', { auctionId: 31n, maxXfg: XFG, maxPrice: PRICE_ONE }, 'Auctions.UnknownAuction'],
      [alice, 'Auctions', 'bid', { auctionId, maxXfg: 10_000n * XFG, maxPrice: PRICE_ONE }, 'Udst.InsufficientBalance'],
    ];
    for (const [who, pallet, name, args, error] of cases) c.expectNoop(who, pallet, name, args, error);

    // The signed ones again, all in one block through the executive.
    c.produce([]);
    const before = creditStorage(c.state);
    const signed = cases.filter((x): x is [KeyringPair, string, string, Record<string, unknown>, string] => x[0] !== 'root');
    const outcomes = c.sendMany(signed.map(([who, pallet, name, args]) => [who, c.call(pallet, name, args)]));
    expect(outcomes.map((o) => o.error)).toEqual(signed.map((x) => x[4]));
    expect(creditStorage(c.state)).toEqual(before);
  });
});
