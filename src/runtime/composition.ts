/**
 * The pallets composed after the core ones (System, Timestamp, Balances, TransactionPayment, ValidatorSet):
 * FRAME's `construct_runtime!` list for this chain's own pallets. Each entry gets the core services it needs and
 * names its genesis section. Indices are fixed in each pallet (10 and up for the credit pallets).
 */
import type { TokenDecimals } from '../pallets/oracle/math.js';
import { createUdst } from '../pallets/udst/index.js';
import { UDST_DECIMALS } from '../pallets/udst/types.js';
import { createOracle } from '../pallets/oracle/index.js';
import { createCertificates } from '../pallets/certificates/index.js';
import { composeLending } from '../pallets/loans/compose.js';
import { createScheduler } from '../pallets/scheduler/index.js';
import { createSudo } from '../pallets/sudo/index.js';
import { now } from '../pallets/timestamp/index.js';
import { EnsureRoot } from './dispatch.js';
import type { CoreServices, PalletModule } from './runtime.js';

/** Share of the block's weight the scheduled tasks of one block may take (FRAME's default: 80 %). */
const SCHEDULER_WEIGHT_SHARE_PERCENT = 80n;

/**
 * Decimals of the two tokens: XFG 12 (`XFG = 10^12` in chain-runtime.ts), UDST 6. `chain-spec.json`
 * `properties.tokenDecimals` states the same pair (checked by a test).
 */
export const TOKEN_DECIMALS: TokenDecimals = { xfg: 12, udst: UDST_DECIMALS };

/** Build the non-core pallets, in any order (the runtime sorts by index). */
export function composePallets(core: CoreServices): PalletModule[] {
  // Credit: the UDST ledger, the price oracle and the certificate registry (interfaces in pallets/credit).
  const udst = createUdst();
  const oracle = createOracle({ adminOrigin: EnsureRoot });
  const certificates = createCertificates({ currency: core.currency, oracle: oracle.oracle, decimals: TOKEN_DECIMALS, minLock: core.spec.existentialDeposit });
  // Lending: Banks, Loans and Auctions over those three (genesis sections `banks`, `loans`).
  const lending = composeLending({
    udst: udst.ledger,
    oracle: oracle.oracle,
    certificates: certificates.registry,
    decimals: TOKEN_DECIMALS,
    treasury: core.treasury,
    // Root today; governance origins are wired here when the governance pallet arrives (no pallet changes).
    origins: { createBank: EnsureRoot, bankAdmin: EnsureRoot, loanParams: EnsureRoot, auctionParams: EnsureRoot },
  });
  // Scheduler (index 5): calls at a block or a time; who may schedule is Root until governance is wired here.
  const scheduler = createScheduler({
    outer: core.outer,
    scheduleOrigin: EnsureRoot,
    now,
    maximumWeight: (core.spec.limits.maxBlockRefTime * SCHEDULER_WEIGHT_SHARE_PERCENT) / 100n,
  });
  return [
    { pallet: scheduler.pallet },
    // Sudo (index 6): the genesis key (dev/local: Alice) dispatches as Root; a spec without a key has no sudo.
    { pallet: createSudo({ outer: core.outer }), genesisKey: 'sudo' },
    { pallet: udst.pallet, genesisKey: 'udst' },
    { pallet: oracle.pallet, genesisKey: 'oracle' },
    { pallet: certificates.pallet, genesisKey: 'certificates' },
    ...lending.modules,
  ];
}
