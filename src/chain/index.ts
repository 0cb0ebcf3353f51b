/**
 * This chain, as FRAME's `construct_runtime!` declares one: the ordered pallet list with fixed indices, the services
 * the executive takes from them, the runtime APIs, the genesis config and the version. The only module that names
 * every pallet; the framework (`src/runtime/`) runs what this module hands it. Adding a pallet: its folder under
 * `src/pallets/`, and one line in {@link constructRuntime} (plus its genesis section and APIs, if it has any).
 */
import { systemPallet, systemServices } from '../pallets/system/index.js';
import { now, timestampInherent, timestampPallet } from '../pallets/timestamp/index.js';
import { bindRuntimeReasons, createBalances, type Currency } from '../pallets/balances/index.js';
import { createTransactionPayment } from '../pallets/transaction-payment/index.js';
import { validatorSetPallet } from '../pallets/validator-set/index.js';
import { createScheduler } from '../pallets/scheduler/index.js';
import { createSudo } from '../pallets/sudo/index.js';
import { createUdst } from '../pallets/udst/index.js';
import { createOracle } from '../pallets/oracle/index.js';
import { createCertificates } from '../pallets/certificates/index.js';
import { createBanks } from '../pallets/banks/index.js';
import { createLoans, type LoansModule } from '../pallets/loans/index.js';
import { createAuctions } from '../pallets/auctions/index.js';
import { lendingApis } from '../pallets/loans/runtime-api.js';
import { apiInfosOf, RuntimeApiError, type ApiTrait } from '../runtime/api-support.js';
import { coreApis } from '../runtime/apis.js';
import { EnsureRoot, OuterTypes } from '../runtime/dispatch.js';
import type { RuntimeApiInfo } from '../runtime/metadata.js';
import type { Pallet } from '../runtime/pallet.js';
import { Runtime, runtimeVersion, type PalletModule, type RuntimeDefinition } from '../runtime/runtime.js';
import type { GenesisConfig } from './genesis.js';
import { CHAIN_INVARIANTS } from './invariants.js';
import { CHAIN_RUNTIME_SPEC, TOKEN_DECIMALS, TREASURY_ACCOUNT, type ChainRuntimeSpec } from './spec.js';

export { genesisConfigFromJson, RuntimeGenesisConfigSchema, type GenesisConfig, type RuntimeGenesisJson } from './genesis.js';
export { CHAIN_RUNTIME_SPEC, TOKEN_DECIMALS, TREASURY_ACCOUNT, XFG, type ChainRuntimeSpec } from './spec.js';

/** Share of the block's weight the scheduled tasks of one block may take (FRAME's default: 80 %). */
const SCHEDULER_WEIGHT_SHARE_PERCENT = 80n;

/** The runtime APIs of this chain, in the order `RuntimeVersion.apis` and the metadata list them. */
export function chainApis(): ApiTrait[] {
  // The core APIs, then LoansApi (quote, status, reputation) and BanksApi (info) of the lending pallets.
  return [...coreApis(), ...lendingApis((e) => new RuntimeApiError(e.message))];
}

/** The APIs of this chain as the V15 metadata lists them. */
export function apiInfos(): RuntimeApiInfo[] {
  return apiInfosOf(chainApis());
}

/** The pallet at fixed index `index`: refuses a pallet that declares another (its errors carry its own index). */
function at(index: number, module: { pallet: Pallet<never>; genesisKey?: keyof GenesisConfig }): PalletModule {
  if (module.pallet.index !== index) throw new Error(`pallet ${module.pallet.name} declares index ${module.pallet.index}, listed at ${index}`);
  return module as PalletModule;
}

/** This chain's pallets wired together, and the services of theirs that the chain runtime exposes. */
export function constructRuntime(spec: ChainRuntimeSpec): { definition: RuntimeDefinition; fees: ReturnType<typeof createTransactionPayment>; currency: Currency } {
  const apis = chainApis();
  const version = runtimeVersion(spec.version, apis);
  // The outer `RuntimeCall` and `OriginCaller` (Scheduler and Sudo store and decode calls): bound by the executive.
  const outer = new OuterTypes();
  // Privileged calls take their origin check from config: Root today; governance origins are wired here when the
  // governance pallet arrives (no pallet changes).
  // Core: accounts, time, XFG, fees, validators.
  const balances = createBalances({ existentialDeposit: spec.existentialDeposit, forceOrigin: EnsureRoot });
  const currency = balances.currency;
  const fees = createTransactionPayment(spec.fees, currency, TREASURY_ACCOUNT);
  // Credit: the UDST ledger, the price oracle and the certificate registry (each offered through its interface.ts).
  const udst = createUdst();
  const oracle = createOracle({ adminOrigin: EnsureRoot });
  const certificates = createCertificates({ currency, oracle: oracle.oracle, decimals: TOKEN_DECIMALS, minLock: spec.existentialDeposit });
  // Lending: Banks, Loans and Auctions over those three. Auctions settle through Loans, which is built after them:
  // bound late.
  const banks = createBanks({ udst: udst.ledger, decimals: TOKEN_DECIMALS, treasury: TREASURY_ACCOUNT, createOrigin: EnsureRoot, adminOrigin: EnsureRoot });
  const late: { loans?: LoansModule } = {};
  const auctions = createAuctions({
    udst: udst.ledger,
    oracle: oracle.oracle,
    decimals: TOKEN_DECIMALS,
    paramsOrigin: EnsureRoot,
    settlement: () => {
      if (!late.loans) throw new Error('auctions used before the loans pallet was built');
      return late.loans.settlement;
    },
  });
  const loans = createLoans({ udst: udst.ledger, oracle: oracle.oracle, certificates: certificates.registry, banks: banks.api, auctions: auctions.api, decimals: TOKEN_DECIMALS, paramsOrigin: EnsureRoot });
  late.loans = loans;
  // Scheduler: calls at a block or a time; who may schedule is Root until governance is wired here.
  const scheduler = createScheduler({ outer, scheduleOrigin: EnsureRoot, now, maximumWeight: (spec.limits.maxBlockRefTime * SCHEDULER_WEIGHT_SHARE_PERCENT) / 100n });

  const pallets: PalletModule[] = [
    at(0, { pallet: systemPallet({ ss58Prefix: spec.ss58Prefix, version }) }),
    at(1, { pallet: timestampPallet }),
    at(2, { pallet: balances.pallet, genesisKey: 'balances' }),
    at(3, { pallet: fees.pallet }),
    at(4, { pallet: validatorSetPallet, genesisKey: 'validatorSet' }),
    at(5, { pallet: scheduler.pallet }),
    // Sudo: the genesis key (dev/local: Alice) dispatches as Root; a spec without a key has no sudo.
    at(6, { pallet: createSudo({ outer }), genesisKey: 'sudo' }),
    at(10, { pallet: udst.pallet, genesisKey: 'udst' }),
    at(11, { pallet: oracle.pallet, genesisKey: 'oracle' }),
    at(12, { pallet: certificates.pallet, genesisKey: 'certificates' }),
    at(13, { pallet: banks.pallet, genesisKey: 'banks' }),
    at(14, { pallet: loans.pallet, genesisKey: 'loans' }),
    at(15, { pallet: auctions.pallet }),
  ];
  const definition: RuntimeDefinition = {
    version,
    limits: spec.limits,
    baseExtrinsicWeight: spec.fees.baseExtrinsicWeight,
    pallets,
    system: systemServices,
    payment: fees,
    timestamp: timestampInherent,
    apis,
    outer,
    // The cross-pallet identities (issuances, reserves held, collateral pledged), checked after every pallet's tryState.
    invariants: CHAIN_INVARIANTS,
    bindReasons: bindRuntimeReasons,
  };
  return { definition, fees, currency };
}

/** This chain's runtime (`dcn_runtime::Runtime`): the framework's executive over this chain's pallets, with its XFG currency and fees at hand. */
export class DcnRuntime extends Runtime<GenesisConfig> {
  /** TransactionPayment's fee schedule and charging. */
  readonly fees: ReturnType<typeof createTransactionPayment>;
  /** XFG, as Balances offers it to other pallets. */
  readonly currency: Currency;
  /** The parameters it was built with. */
  readonly spec: ChainRuntimeSpec;

  constructor(spec: ChainRuntimeSpec = CHAIN_RUNTIME_SPEC) {
    const built = constructRuntime(spec);
    super(built.definition);
    this.fees = built.fees;
    this.currency = built.currency;
    this.spec = spec;
  }
}

/** Build this chain's runtime (`spec` overrides the fixed parameters, e.g. smaller block limits in tests). */
export function createChainRuntime(spec: ChainRuntimeSpec = CHAIN_RUNTIME_SPEC): DcnRuntime {
  return new DcnRuntime(spec);
}
