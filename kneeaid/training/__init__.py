"""Can I train today?: the training log and the knee's answer (../shared/training.md)."""
