#!/bin/bash
# One W&B sweep agent per local GPU, each pinned to its GPU; they share the sweep's queue of runs.
#
#   wandb sweep sweeps/scaling.yaml                  # prints ENTITY/PROJECT/SWEEP_ID
#   bash sweeps/agents.sh ENTITY/PROJECT/SWEEP_ID    # as many agents as GPUs (nvidia-smi -L)
#   GPUS=0,1 COUNT=3 bash sweeps/agents.sh ENTITY/PROJECT/SWEEP_ID   # chosen GPUs, 3 runs per agent
#
# Each agent sees one GPU, so sizes that ask for 2 devices (conf/size/) need an agent with 2: run
# `CUDA_VISIBLE_DEVICES=0,1 wandb agent ENTITY/PROJECT/SWEEP_ID` for those instead.
set -euo pipefail
SWEEP_ID="${1:?usage: bash sweeps/agents.sh ENTITY/PROJECT/SWEEP_ID}"
GPUS="${GPUS:-$(nvidia-smi --query-gpu=index --format=csv,noheader | paste -sd, -)}"
COUNT_ARGS=()
if [ -n "${COUNT:-}" ]; then COUNT_ARGS=(--count "${COUNT}"); fi

pids=()
for gpu in ${GPUS//,/ }; do
  CUDA_VISIBLE_DEVICES="${gpu}" wandb agent "${COUNT_ARGS[@]}" "${SWEEP_ID}" > "agent-gpu${gpu}.log" 2>&1 &
  pids+=($!)
  echo "agent on GPU ${gpu}: pid $!, log agent-gpu${gpu}.log"
done
trap 'kill "${pids[@]}" 2>/dev/null' INT TERM
wait
